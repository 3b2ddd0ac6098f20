// The sticky pull-request comment: one prodcheck comment per pull request, created on the first
// run and edited in place on every later one, so a busy pull request does not collect a report per
// push. The comment is found by the hidden marker the Markdown reporter puts on its first line.
// Every call has a deadline and a bounded retry (./http.ts); the token goes into the
// Authorization header and nowhere else: every message and log line is scrubbed of it.
import { readFile } from 'node:fs/promises';
import { MARKDOWN_MARKER } from '../report/markdown.js';
import { VERSION } from '../version.js';
import { fetchWithRetry, RetryExhaustedError, sleep, type HttpAnswer, type RetryPolicy } from './http.js';

/** GitHub refuses a comment body longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export const FORK_MESSAGE =
  'GitHub refused to write the comment (403): a pull request from a fork gets a read-only token; run the comment step from a `pull_request_target` or `workflow_run` workflow, or skip it for forks';

/** Why the comment could not be posted, in one line for the user; the CLI prints it and keeps the scan's exit code. */
export class BotError extends Error {
  override name = 'BotError';
}

export interface CommentOptions {
  /** The Markdown of the comment; its first line is the marker `<!-- prodcheck-report -->`. */
  body: string;
  /**
   * GITHUB_TOKEN, GITHUB_API_URL (default https://api.github.com), GITHUB_REPOSITORY (owner/repo),
   * GITHUB_EVENT_PATH (the event payload with the pull request number), and PRODCHECK_PR_NUMBER,
   * which overrides the payload (a `workflow_run` workflow posting for another run's pull request).
   */
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  /** Per call, answer included (default 10,000). */
  timeoutMs?: number;
  /** Retries after the first attempt of each call (default 2: three attempts). */
  retries?: number;
  /** First backoff; it doubles on each retry (default 500). A `Retry-After` from GitHub wins. */
  backoffMs?: number;
  /** A `Retry-After` longer than this gives up at once instead of stalling the job (default 60,000). */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Progress and retries, one line each, token-free. */
  log?: (line: string) => void;
}

export interface CommentResult {
  action: 'created' | 'updated';
  /** The comment's page (`html_url`). */
  url: string;
  id: number;
}

/** Where the comment goes. */
export interface CommentTarget {
  apiUrl: string;
  owner: string;
  repo: string;
  number: number;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
}

/** Pages of 100 comments: past this many pages something is wrong (a pagination loop), not busy. */
const MAX_PAGES = 100;

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The pull request's number from an event payload: `pull_request.number`, or an `issue_comment` on a pull request. */
export function pullRequestNumberOf(event: unknown): number | undefined {
  const e = event as { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } } | null;
  const fromPr = positiveInteger(e?.pull_request?.number);
  if (fromPr !== undefined) return fromPr;
  // An issue_comment event fires for issues too; only an issue with `pull_request` is one.
  return e?.issue?.pull_request ? positiveInteger(e.issue.number) : undefined;
}

/** The repository, the pull request and the API from the Actions environment; a `BotError` naming the first thing missing. */
export async function commentTargetFromEnv(env: Readonly<Record<string, string | undefined>>): Promise<CommentTarget> {
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(apiUrl)) throw new BotError(`GITHUB_API_URL must be an http(s) URL, got "${apiUrl}"`);
  const repository = env.GITHUB_REPOSITORY;
  if (!repository) throw new BotError('GITHUB_REPOSITORY is not set: expected owner/repo (GitHub Actions sets it)');
  const parts = /^([\w.-]+)\/([\w.-]+)$/.exec(repository);
  if (!parts) throw new BotError(`GITHUB_REPOSITORY must be owner/repo, got "${repository}"`);
  const [, owner = '', repo = ''] = parts;

  const override = env.PRODCHECK_PR_NUMBER;
  if (override) {
    const number = /^\d+$/.test(override) ? positiveInteger(Number(override)) : undefined;
    if (number === undefined) throw new BotError(`PRODCHECK_PR_NUMBER must be a pull request number, got "${override}"`);
    return { apiUrl, owner, repo, number };
  }
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) {
    throw new BotError('GITHUB_EVENT_PATH is not set: run the comment step in a GitHub Actions workflow triggered by a pull request, or set PRODCHECK_PR_NUMBER');
  }
  let event: unknown;
  try {
    event = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch (err) {
    const reason = (err as { code?: string }).code ?? 'not JSON';
    throw new BotError(`cannot read the event payload at GITHUB_EVENT_PATH (${eventPath}): ${reason}`);
  }
  const number = pullRequestNumberOf(event);
  if (number === undefined) {
    throw new BotError(
      'not a pull request event: the payload at GITHUB_EVENT_PATH has no pull_request.number (nor an issue_comment on a pull request); run the comment step on pull_request, pull_request_target or issue_comment events, or set PRODCHECK_PR_NUMBER',
    );
  }
  return { apiUrl, owner, repo, number };
}

/** `Link: <…>; rel="next"`, the next page of a list, if any. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (m?.[2]?.split(/\s+/).includes('next')) return m[1];
  }
  return undefined;
}

/** GitHub's own `message` from an error answer, if it sent one. */
function githubMessage(answer: HttpAnswer): string {
  try {
    const m = (JSON.parse(answer.text) as { message?: unknown }).message;
    return typeof m === 'string' && m !== '' ? `: ${m.replace(/\s+/g, ' ')}` : '';
  } catch {
    return '';
  }
}

function isRateLimited(answer: HttpAnswer): boolean {
  return answer.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(githubMessage(answer));
}

type Call = 'list' | 'create' | 'update';

/** A clear line for an answer GitHub would give again on a retry. */
function refusal(call: Call, label: string, answer: HttpAnswer, target: CommentTarget): BotError {
  const where = `${target.owner}/${target.repo}#${target.number}`;
  switch (answer.status) {
    case 401:
      return new BotError(`GitHub rejected the token (401) for ${label}: GITHUB_TOKEN is invalid or expired`);
    case 403:
      if (isRateLimited(answer)) return new BotError(`GitHub's API rate limit is exhausted (403) for ${label}${githubMessage(answer)}; try again later`);
      if (call === 'list') {
        return new BotError(`GitHub refused to list the comments of ${where} (403): give the token read access to pull requests (\`permissions: pull-requests: write\`)`);
      }
      return new BotError(FORK_MESSAGE);
    case 404:
      return new BotError(
        call === 'update'
          ? `GitHub answered 404 for ${label}: the comment was deleted while prodcheck was updating it; run the step again`
          : `GitHub answered 404 for ${label}: ${where} does not exist or the token cannot see it`,
      );
    default:
      return new BotError(`GitHub answered ${answer.status} for ${label}${githubMessage(answer)}`);
  }
}

function gaveUp(label: string, attempts: number, problem: string): BotError {
  return new BotError(`gave up on ${label} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}: ${problem}`);
}

function parseJson<T>(answer: HttpAnswer, label: string): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new BotError(`GitHub's answer to ${label} is not JSON (status ${answer.status})`);
  }
}

function isComment(value: unknown): value is IssueComment {
  const c = value as IssueComment | null;
  return typeof c?.id === 'number' && typeof c.html_url === 'string';
}

/**
 * Create the pull request's prodcheck comment, or update it in place when one exists (a comment
 * whose body starts with the marker; the first one if there are several). Throws `BotError`.
 */
export async function postPullRequestComment(options: CommentOptions): Promise<CommentResult> {
  const token = options.env.GITHUB_TOKEN ?? '';
  const scrub = (line: string): string => (token === '' ? line : line.split(token).join('***'));
  const log = (line: string): void => options.log?.(scrub(line));
  try {
    return await post(options, token, log);
  } catch (err) {
    if (err instanceof BotError) throw new BotError(scrub(err.message));
    // A bug, not a GitHub answer: keep the stack, but not the token.
    if (err instanceof Error) {
      err.message = scrub(err.message);
      if (err.stack) err.stack = scrub(err.stack);
    }
    throw err;
  }
}

async function post(options: CommentOptions, token: string, log: (line: string) => void): Promise<CommentResult> {
  if (token === '') {
    throw new BotError('GITHUB_TOKEN is not set: pass it to the step (`env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) with `permissions: pull-requests: write`');
  }
  const { body } = options;
  // Without the marker the next run could not find this comment and would post another one.
  if (!body.startsWith(MARKDOWN_MARKER)) throw new BotError(`the comment body must start with the marker line ${MARKDOWN_MARKER}`);
  if (body.length > GITHUB_COMMENT_LIMIT) {
    throw new BotError(`the comment is ${body.length} characters; GitHub accepts at most ${GITHUB_COMMENT_LIMIT}`);
  }
  const target = await commentTargetFromEnv(options.env);
  const policy: RetryPolicy = {
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? sleep,
    log,
  };
  const headers = {
    Authorization: `Bearer ${token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': `prodcheck/${VERSION}`,
  };
  const origin = new URL(target.apiUrl).origin;
  const labelOf = (method: string, url: string): string => `${method} ${new URL(url).pathname}`;
  const repoPath = `/repos/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}`;

  /** One call; `retries` overrides the policy's (a create is not blindly repeated). */
  const call = async (kind: Call, method: string, url: string, payload?: unknown, retries = policy.retries): Promise<HttpAnswer> => {
    const u = new URL(url);
    // The token goes only to the API it belongs to, whatever a `Link` header says.
    if (u.origin !== origin) throw new BotError(`GitHub's pagination pointed to ${u.origin}, not ${origin}: refusing to send the token there`);
    const label = labelOf(method, url);
    let answer: HttpAnswer;
    try {
      answer = await fetchWithRetry(
        url,
        {
          method,
          headers: payload === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
          ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        },
        label,
        { ...policy, retries },
      );
    } catch (err) {
      if (err instanceof RetryExhaustedError && kind === 'create' && retries === 0) throw err;
      if (err instanceof RetryExhaustedError) throw gaveUp(label, err.attempts, err.problem);
      throw err;
    }
    if (answer.status < 200 || answer.status >= 300) throw refusal(kind, label, answer, target);
    return answer;
  };

  const findExisting = async (): Promise<IssueComment | undefined> => {
    let url: string | undefined = `${target.apiUrl}${repoPath}/issues/${target.number}/comments?per_page=100`;
    for (let page = 1; url !== undefined; page++) {
      if (page > MAX_PAGES) throw new BotError(`the comments of ${target.owner}/${target.repo}#${target.number} run past ${MAX_PAGES} pages: giving up the search for prodcheck's comment`);
      const answer = await call('list', 'GET', url);
      const comments = parseJson<unknown>(answer, labelOf('GET', url));
      if (!Array.isArray(comments)) throw new BotError(`GitHub's list of comments of ${target.owner}/${target.repo}#${target.number} is not a list`);
      const mine = comments.find((c): c is IssueComment => isComment(c) && typeof c.body === 'string' && c.body.startsWith(MARKDOWN_MARKER));
      if (mine) return mine;
      url = nextLink(answer.headers.get('link'));
    }
    return undefined;
  };

  const result = (action: CommentResult['action'], answer: HttpAnswer, label: string): CommentResult => {
    const comment = parseJson<unknown>(answer, label);
    if (!isComment(comment)) throw new BotError(`GitHub's answer to ${label} is not a comment`);
    log(`${action} ${comment.html_url}`);
    return { action, url: comment.html_url, id: comment.id };
  };

  // A create that timed out or failed with a 5xx may still have landed: before trying again, look
  // for the comment again, so that a retry updates it instead of posting a second one.
  for (let round = 0; ; round++) {
    log(`looking for prodcheck's comment on ${target.owner}/${target.repo}#${target.number}`);
    const existing = await findExisting();
    if (existing) {
      const url = `${target.apiUrl}${repoPath}/issues/comments/${existing.id}`;
      const answer = await call('update', 'PATCH', url, { body });
      return result('updated', answer, labelOf('PATCH', url));
    }
    const url = `${target.apiUrl}${repoPath}/issues/${target.number}/comments`;
    const label = labelOf('POST', url);
    try {
      const answer = await call('create', 'POST', url, { body }, 0);
      return result('created', answer, label);
    } catch (err) {
      if (!(err instanceof RetryExhaustedError)) throw err;
      const attempts = round + 1;
      const exhausted = attempts > policy.retries || (err.retryAfterMs ?? 0) > policy.maxRetryAfterMs;
      if (exhausted) throw gaveUp(label, attempts, err.problem);
      const wait = err.retryAfterMs ?? policy.backoffMs * 2 ** round;
      log(`${label}: ${err.problem}; looking for the comment again in ${wait} ms before retrying (attempt ${attempts + 1} of ${policy.retries + 1})`);
      await policy.sleep(wait);
    }
  }
}
