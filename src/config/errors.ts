// A mistake of the user (a flag, a path, a configuration value), not a bug of prodcheck: the CLI
// prints its message as one line on stderr and exits 2, without a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}
