// One HTTP call with a deadline and a bounded retry: what a CI step needs so that a slow or
// flapping API neither hangs the job nor fails it on the first hiccup. Every attempt gets its own
// `AbortSignal.timeout`; network errors, timeouts, 429 and 5xx are retried with exponential backoff
// (or the server's `Retry-After`); any other status is returned for the caller to judge.

export interface RetryPolicy {
  /** Milliseconds one attempt may take, answer body included. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  /** The wait before retry n (0-based) is `backoffMs × 2^n`, unless the server sent `Retry-After`. */
  backoffMs: number;
  /** A `Retry-After` longer than this is not waited for: the call gives up at once. */
  maxRetryAfterMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/** A non-retryable answer, its body read within the attempt's deadline. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * The call failed on every attempt; `problem` says what went wrong the last time, and
 * `retryAfterMs` what the server asked to wait before another try, if it said.
 */
export class RetryExhaustedError extends Error {
  override name = 'RetryExhaustedError';
  constructor(
    readonly attempts: number,
    readonly problem: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${problem} (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** What the thing that went wrong was, in a few words: `timed out after 200 ms`, `502 Bad Gateway`. */
function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `network error (${cause ?? e?.message ?? String(err)})`;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * `fetch(url, init)` under the policy. Resolves with the first answer whose status is not
 * retryable (2xx, 3xx, 4xx other than 429); throws `RetryExhaustedError` when every attempt failed.
 * `label` names the call in log lines (`GET /repos/o/r/issues/1/comments`): never put a secret in it.
 */
export async function fetchWithRetry(url: string, init: RequestInit, label: string, policy: RetryPolicy): Promise<HttpAnswer> {
  const attempts = policy.retries + 1;
  for (let attempt = 0; ; attempt++) {
    let problem: string;
    let asked: number | undefined;
    try {
      const response = await policy.fetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
      if (!retryable(response.status)) return { status: response.status, headers: response.headers, text: await response.text() };
      problem = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      // Free the connection: the body of a failed attempt is of no use.
      await response.body?.cancel().catch(() => undefined);
      asked = retryAfterMs(response.headers.get('retry-after'));
    } catch (err) {
      problem = describeError(err, policy.timeoutMs);
    }
    if (asked !== undefined && asked > policy.maxRetryAfterMs) {
      throw new RetryExhaustedError(attempt + 1, `${problem}, and the server asked to wait ${Math.ceil(asked / 1000)} s before retrying`, asked);
    }
    if (attempt + 1 >= attempts) throw new RetryExhaustedError(attempts, problem, asked);
    const wait = asked ?? policy.backoffMs * 2 ** attempt;
    policy.log(`${label}: ${problem}; retrying in ${wait} ms (attempt ${attempt + 2} of ${attempts})`);
    await policy.sleep(wait);
  }
}
