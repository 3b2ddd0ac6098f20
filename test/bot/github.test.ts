// The PR comment bot end to end, against a local server that implements the three REST endpoints
// it uses (list issue comments with `Link` pagination, create, update) and records every request:
// create then update in place, no duplicate even when a create's answer is lost, retries on 5xx
// and timeouts but not on 403, the fork message, and the token in the Authorization header only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotError, FORK_MESSAGE, nextLink, postPullRequestComment, pullRequestNumberOf, type CommentOptions } from '../../src/bot/github.js';
import { retryAfterMs } from '../../src/bot/http.js';
import { MARKDOWN_MARKER } from '../../src/report/markdown.js';
import { VERSION } from '../../src/version.js';
import { FakeGitHub, OWNER, PAGE_SIZE, PR, REPO, TOKEN, type Override } from '../support/fake-github.js';


const LIST_1 = `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100`;
const LIST_2 = `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments?per_page=100&page=2`;
const CREATE = `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments`;
const update = (id: number) => `PATCH /repos/${OWNER}/${REPO}/issues/comments/${id}`;
const BODY_1 = `${MARKDOWN_MARKER}\n## prodcheck: 71/100 (C)\n`;
const BODY_2 = `${MARKDOWN_MARKER}\n## prodcheck: 78/100 (C) ▲ 7\n`;

let gh: FakeGitHub;
let dir: string;
let logs: string[];
let sleeps: number[];

function eventFile(payload: unknown): string {
  const path = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

function options(over: Partial<CommentOptions> = {}, env: Record<string, string | undefined> = {}): CommentOptions {
  return {
    body: BODY_1,
    env: {
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: gh.base,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_EVENT_PATH: eventFile({ action: 'synchronize', number: PR, pull_request: { number: PR, head: { sha: 'a1b2c3' } } }),
      ...env,
    },
    backoffMs: 5,
    log: (line) => logs.push(line),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  };
}

async function botError(promise: Promise<unknown>): Promise<BotError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotError);
  return err as BotError;
}

beforeEach(async () => {
  gh = new FakeGitHub();
  await gh.start();
  dir = mkdtempSync(join(tmpdir(), 'prodcheck-bot-'));
  logs = [];
  sleeps = [];
});

afterEach(async () => {
  await gh.stop();
  // Whatever happened, the token never reached a log line.
  for (const line of logs) expect(line).not.toContain(TOKEN);
});

describe('postPullRequestComment against a local GitHub', () => {
  it('creates the comment on the first run, after reading both pages of comments', async () => {
    const result = await postPullRequestComment(options());
    expect(result).toEqual({ action: 'created', id: 900, url: `https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-900` });
    expect(gh.routes()).toEqual([LIST_1, LIST_2, CREATE]);
    expect(gh.requests[2]?.body).toEqual({ body: BODY_1 });
    expect(gh.markerComments()).toEqual([{ id: 900, body: BODY_1, user: { login: 'github-actions[bot]', type: 'Bot' } }]);
    expect(logs).toEqual([`looking for prodcheck's comment on ${OWNER}/${REPO}#${PR}`, `created https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-900`]);
  });

  it('updates the same comment in place on the second run, with no duplicate', async () => {
    const first = await postPullRequestComment(options());
    gh.requests = [];
    const second = await postPullRequestComment(options({ body: BODY_2 }));
    expect(second).toEqual({ action: 'updated', id: first.id, url: first.url });
    // The comment is on page 2 (the fourth of four): pagination is what finds it.
    expect(gh.routes()).toEqual([LIST_1, LIST_2, update(first.id)]);
    expect(gh.requests[2]?.body).toEqual({ body: BODY_2 });
    expect(gh.markerComments()).toEqual([{ id: first.id, body: BODY_2, user: { login: 'github-actions[bot]', type: 'Bot' } }]);
    expect(gh.comments).toHaveLength(4);
  });

  it('a 403 on create (a fork’s read-only token) is the fork message, not retried, token-free', async () => {
    gh.overrides.push({ method: 'POST', status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(FORK_MESSAGE);
    expect(err.message).toBe(
      'GitHub refused to write the comment (403): a pull request from a fork gets a read-only token; run the comment step from a `pull_request_target` or `workflow_run` workflow, or skip it for forks',
    );
    expect(err.message).not.toContain(TOKEN);
    expect(err.stack).not.toContain(TOKEN);
    expect(gh.routes()).toEqual([LIST_1, LIST_2, CREATE]);
    expect(gh.markerComments()).toEqual([]);
  });

  it('a 502 is retried: the create is tried again after looking for the comment again', async () => {
    gh.overrides.push({ method: 'POST', status: 502, body: { message: 'Server Error' } });
    const result = await postPullRequestComment(options());
    expect(result.action).toBe('created');
    expect(gh.requests).toHaveLength(6);
    expect(gh.routes()).toEqual([LIST_1, LIST_2, CREATE, LIST_1, LIST_2, CREATE]);
    expect(sleeps).toEqual([5]);
    expect(gh.markerComments()).toHaveLength(1);
    expect(logs[1]).toBe(
      `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments: 502 Bad Gateway; looking for the comment again in 5 ms before retrying (attempt 2 of 3)`,
    );
  });

  it('a 502 on a list is retried in place, with exponential backoff', async () => {
    gh.overrides.push({ method: 'GET', status: 502 }, { method: 'GET', status: 503 });
    const result = await postPullRequestComment(options());
    expect(result.action).toBe('created');
    expect(gh.routes()).toEqual([LIST_1, LIST_1, LIST_1, LIST_2, CREATE]);
    expect(sleeps).toEqual([5, 10]);
  });

  it('honours Retry-After on a 429', async () => {
    gh.overrides.push({ method: 'PATCH', status: 429, headers: { 'Retry-After': '3' }, body: { message: 'slow down' } });
    await postPullRequestComment(options());
    await postPullRequestComment(options({ body: BODY_2 }));
    expect(sleeps).toEqual([3000]);
    expect(gh.markerComments().map((c) => c.body)).toEqual([BODY_2]);
  });

  it('gives up at once when Retry-After is longer than it will wait', async () => {
    gh.overrides.push({ method: 'GET', status: 429, headers: { 'Retry-After': '3600' } });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(
      `gave up on GET /repos/${OWNER}/${REPO}/issues/${PR}/comments after 1 attempt: 429 Too Many Requests, and the server asked to wait 3600 s before retrying`,
    );
    expect(gh.requests).toHaveLength(1);
  });

  it('a server that never answers: each call times out, is retried, then fails with a clear line', async () => {
    for (let i = 0; i < 3; i++) gh.overrides.push({ method: 'GET', status: 'hang' });
    const started = Date.now();
    const err = await botError(postPullRequestComment(options({ timeoutMs: 200, sleep: undefined })));
    expect(err.message).toBe(`gave up on GET /repos/${OWNER}/${REPO}/issues/${PR}/comments after 3 attempts: timed out after 200 ms`);
    expect(gh.routes()).toEqual([LIST_1, LIST_1, LIST_1]);
    // Three deadlines of 200 ms (timers may fire a few ms early, hence the margin).
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 200 - 50);
    expect(logs.slice(1)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments: timed out after 200 ms; retrying in 5 ms (attempt 2 of 3)`,
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments: timed out after 200 ms; retrying in 10 ms (attempt 3 of 3)`,
    ]);
  });

  it('a create whose answer is lost (it landed, then timed out) becomes an update, not a duplicate', async () => {
    gh.overrides.push({ method: 'POST', status: 'apply-then-hang' });
    const result = await postPullRequestComment(options({ timeoutMs: 200 }));
    expect(result).toEqual({ action: 'updated', id: 900, url: `https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-900` });
    expect(gh.routes()).toEqual([LIST_1, LIST_2, CREATE, LIST_1, LIST_2, update(900)]);
    expect(gh.markerComments()).toHaveLength(1);
  });

  it('a create that keeps failing gives up after three attempts', async () => {
    for (let i = 0; i < 3; i++) gh.overrides.push({ method: 'POST', status: 500 });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(`gave up on POST /repos/${OWNER}/${REPO}/issues/${PR}/comments after 3 attempts: 500 Internal Server Error`);
    expect(gh.routes().filter((r) => r === CREATE)).toHaveLength(3);
    expect(sleeps).toEqual([5, 10]);
  });

  it('sends the token in the Authorization header with the API headers, to the pull request from the event file', async () => {
    await postPullRequestComment(options());
    expect(gh.requests.length).toBeGreaterThan(0);
    for (const r of gh.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.accept).toBe('application/vnd.github+json');
      expect(r.apiVersion).toBe('2022-11-28');
      expect(r.userAgent).toBe(`prodcheck/${VERSION}`);
      expect(r.path).toContain(`/issues/${PR}/comments`);
    }
  });

  it('takes the number of an issue_comment event on a pull request', async () => {
    const event = eventFile({ action: 'created', issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/acme/orders-service/pulls/7' } } });
    const result = await postPullRequestComment(options({}, { GITHUB_EVENT_PATH: event }));
    expect(result).toEqual({ action: 'created', id: 900, url: `https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-900` });
    expect(gh.routes()).toEqual([`GET /repos/${OWNER}/${REPO}/issues/7/comments?per_page=100`, `POST /repos/${OWNER}/${REPO}/issues/7/comments`]);
  });

  it('PRODCHECK_PR_NUMBER overrides the event (a workflow_run posting for another run)', async () => {
    const event = eventFile({ action: 'completed', workflow_run: { pull_requests: [] } });
    const result = await postPullRequestComment(options({}, { GITHUB_EVENT_PATH: event, PRODCHECK_PR_NUMBER: String(PR) }));
    expect(result.action).toBe('created');
  });

  it('a 404 names the repository and pull request', async () => {
    const event = eventFile({ pull_request: { number: 5 } });
    const err = await botError(postPullRequestComment(options({}, { GITHUB_EVENT_PATH: event })));
    expect(err.message).toBe(`GitHub answered 404 for GET /repos/${OWNER}/${REPO}/issues/5/comments: ${OWNER}/${REPO}#5 does not exist or the token cannot see it`);
    expect(gh.requests).toHaveLength(1);
  });

  it('a 403 for the rate limit says so, rather than blaming forks', async () => {
    gh.overrides.push({ method: 'POST', status: 403, headers: { 'x-ratelimit-remaining': '0' }, body: { message: 'API rate limit exceeded for installation ID 1.' } });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(
      `GitHub's API rate limit is exhausted (403) for POST /repos/${OWNER}/${REPO}/issues/${PR}/comments: API rate limit exceeded for installation ID 1.; try again later`,
    );
  });

  it('scrubs the token from an error GitHub echoes back', async () => {
    gh.overrides.push({ method: 'POST', status: 422, body: { message: `Validation Failed: body contains ${TOKEN}` } });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(`GitHub answered 422 for POST /repos/${OWNER}/${REPO}/issues/${PR}/comments: Validation Failed: body contains ***`);
  });

  it('a bad token is a 401 line, not retried', async () => {
    const err = await botError(postPullRequestComment(options({}, { GITHUB_TOKEN: 'ghs_wrong' })));
    expect(err.message).toBe(`GitHub rejected the token (401) for GET /repos/${OWNER}/${REPO}/issues/${PR}/comments: GITHUB_TOKEN is invalid or expired`);
    expect(err.message).not.toContain('ghs_wrong');
    expect(gh.requests).toHaveLength(1);
  });

  it('refuses to send the token to another origin named by a Link header', async () => {
    gh.overrides.push({ method: 'GET', status: 200, body: [], headers: { Link: '<https://evil.example/next?page=2>; rel="next"' } });
    const err = await botError(postPullRequestComment(options()));
    expect(err.message).toBe(`GitHub's pagination pointed to https://evil.example, not ${gh.base}: refusing to send the token there`);
    expect(gh.requests).toHaveLength(1);
  });
});

describe('postPullRequestComment: the environment, before any request', () => {
  const noServer: typeof fetch = () => Promise.reject(new Error('no request expected'));
  const cases: [string, Record<string, string | undefined>, string][] = [
    [
      'no token',
      { GITHUB_TOKEN: undefined },
      'GITHUB_TOKEN is not set: pass it to the step (`env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) with `permissions: pull-requests: write`',
    ],
    ['an empty token', { GITHUB_TOKEN: '' }, 'GITHUB_TOKEN is not set: pass it to the step (`env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) with `permissions: pull-requests: write`'],
    ['no repository', { GITHUB_REPOSITORY: undefined }, 'GITHUB_REPOSITORY is not set: expected owner/repo (GitHub Actions sets it)'],
    ['a malformed repository', { GITHUB_REPOSITORY: 'acme' }, 'GITHUB_REPOSITORY must be owner/repo, got "acme"'],
    ['a malformed API URL', { GITHUB_API_URL: 'api.github.com' }, 'GITHUB_API_URL must be an http(s) URL, got "api.github.com"'],
    [
      'no event path',
      { GITHUB_EVENT_PATH: undefined },
      'GITHUB_EVENT_PATH is not set: run the comment step in a GitHub Actions workflow triggered by a pull request, or set PRODCHECK_PR_NUMBER',
    ],
    ['a bad PRODCHECK_PR_NUMBER', { PRODCHECK_PR_NUMBER: '12abc' }, 'PRODCHECK_PR_NUMBER must be a pull request number, got "12abc"'],
  ];
  it.each(cases)('%s', async (_name, env, message) => {
    const err = await botError(postPullRequestComment(options({ fetch: noServer }, env)));
    expect(err.message).toBe(message);
  });

  it('a push event is not a pull request event', async () => {
    const event = eventFile({ ref: 'refs/heads/main', commits: [] });
    const err = await botError(postPullRequestComment(options({ fetch: noServer }, { GITHUB_EVENT_PATH: event })));
    expect(err.message).toBe(
      'not a pull request event: the payload at GITHUB_EVENT_PATH has no pull_request.number (nor an issue_comment on a pull request); run the comment step on pull_request, pull_request_target or issue_comment events, or set PRODCHECK_PR_NUMBER',
    );
  });

  it('an unreadable event file', async () => {
    const missing = join(dir, 'missing.json');
    const err = await botError(postPullRequestComment(options({ fetch: noServer }, { GITHUB_EVENT_PATH: missing })));
    expect(err.message).toBe(`cannot read the event payload at GITHUB_EVENT_PATH (${missing}): ENOENT`);
  });

  it('a body without the marker, or over GitHub’s limit', async () => {
    expect((await botError(postPullRequestComment(options({ fetch: noServer, body: '## prodcheck' })))).message).toBe(
      `the comment body must start with the marker line ${MARKDOWN_MARKER}`,
    );
    const long = `${MARKDOWN_MARKER}\n${'x'.repeat(70_000)}`;
    expect((await botError(postPullRequestComment(options({ fetch: noServer, body: long })))).message).toBe(
      `the comment is ${long.length} characters; GitHub accepts at most 65536`,
    );
  });
});

describe('helpers', () => {
  it('pullRequestNumberOf: pull_request, issue_comment on a pull request, nothing else', () => {
    expect(pullRequestNumberOf({ pull_request: { number: 3 } })).toBe(3);
    expect(pullRequestNumberOf({ issue: { number: 4, pull_request: {} } })).toBe(4);
    expect(pullRequestNumberOf({ issue: { number: 4 } })).toBeUndefined();
    expect(pullRequestNumberOf({ pull_request: { number: '3' } })).toBeUndefined();
    expect(pullRequestNumberOf(null)).toBeUndefined();
  });

  it('nextLink reads rel="next" wherever it is in the header', () => {
    expect(nextLink('<https://api.github.com/x?page=3>; rel="last", <https://api.github.com/x?page=2>; rel="next"')).toBe('https://api.github.com/x?page=2');
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('retryAfterMs: seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
