// A mistake of the user (a flag, a path, a configuration value), not a bug of prodcheck: the CLI
// prints its message as one line on stderr and exits 2, without a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * What was thrown, as one line of a message. Code may throw anything, not only an Error: an object
 * with a message (an Error of another realm) gives that message, anything else its string form.
 */
export function failureMessage(err: unknown): string {
  try {
    if (err instanceof Error) return err.message;
    const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
    if (typeof message === 'string') return message;
    return String(err);
  } catch {
    // A message getter that throws, a revoked proxy, a value with no string form.
    try {
      return Object.prototype.toString.call(err);
    } catch {
      return 'a value that cannot be shown';
    }
  }
}
