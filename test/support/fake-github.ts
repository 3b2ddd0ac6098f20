// A local stand-in for the three GitHub REST endpoints the PR comment bot uses (list issue comments
// with `Link` pagination, create, update), recording every request. Shared by the bot's tests and
// the CLI's `comment --github` test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MARKDOWN_MARKER } from '../../src/report/markdown.js';

export const TOKEN = 'ghs_TestToken0123456789abcdefABCDEF';
export const OWNER = 'acme';
export const REPO = 'orders-service';
export const PR = 42;
/** The server's page size: small, so that a handful of comments spans two pages. */
export const PAGE_SIZE = 2;

export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  accept: string | undefined;
  apiVersion: string | undefined;
  userAgent: string | undefined;
  body: unknown;
}

export interface StoredComment {
  issue: number;
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** What the server does with the next request matching `method` (and `path`, if given) instead of its normal answer. */
export interface Override {
  method: string;
  path?: RegExp;
  /** `hang`: never answer. `apply-then-hang`: do the work (store the comment), then never answer. */
  status: number | 'hang' | 'apply-then-hang';
  body?: unknown;
  headers?: Record<string, string>;
}

export class FakeGitHub {
  server!: Server;
  base = '';
  requests: Recorded[] = [];
  comments: StoredComment[] = [
    { issue: PR, id: 101, body: 'Looks good to me, one question on the retry policy.', user: { login: 'dana', type: 'User' } },
    // Quotes the marker, but not at the start: not prodcheck's comment.
    { issue: PR, id: 102, body: `Why does the bot write ${MARKDOWN_MARKER} in its comments?`, user: { login: 'lee', type: 'User' } },
    { issue: PR, id: 103, body: 'Deployed to staging.', user: { login: 'deploy-bot', type: 'Bot' } },
  ];
  overrides: Override[] = [];
  private nextId = 900;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  /** Pull requests of the repository (an issue_comment test uses 7); any other number is a 404. */
  pulls = new Set([PR, 7]);

  markerComments(): Omit<StoredComment, 'issue'>[] {
    return this.comments.filter((c) => c.body.startsWith(MARKDOWN_MARKER)).map(({ issue: _, ...c }) => c);
  }

  routes(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private view({ issue, ...c }: StoredComment) {
    return { ...c, html_url: `https://github.com/${OWNER}/${REPO}/pull/${issue}#issuecomment-${c.id}` };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      apiVersion: req.headers['x-github-api-version'] as string | undefined,
      userAgent: req.headers['user-agent'],
      body: text === '' ? undefined : JSON.parse(text),
    });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return this.send(res, 401, { message: 'Bad credentials' });

    const index = this.overrides.findIndex((o) => o.method === method && (!o.path || o.path.test(url.pathname)));
    const override = index >= 0 ? this.overrides.splice(index, 1)[0] : undefined;
    if (override?.status === 'hang') return;
    if (typeof override?.status === 'number') return this.send(res, override.status, override.body ?? {}, override.headers);

    const list = new RegExp(`^/repos/${OWNER}/${REPO}/issues/(\\d+)/comments$`).exec(url.pathname);
    const pr = list && this.pulls.has(Number(list[1])) ? Number(list[1]) : undefined;
    const one = new RegExp(`^/repos/${OWNER}/${REPO}/issues/comments/(\\d+)$`).exec(url.pathname);
    let status: number;
    let answer: unknown;
    const headers: Record<string, string> = {};
    if (method === 'GET' && pr !== undefined) {
      const all = this.comments.filter((c) => c.issue === pr);
      const page = Number(url.searchParams.get('page') ?? '1');
      const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
      const at = (n: number) => `${this.base}${url.pathname}?per_page=100&page=${n}`;
      if (page < pages) headers.Link = `<${at(page + 1)}>; rel="next", <${at(pages)}>; rel="last"`;
      [status, answer] = [200, all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((c) => this.view(c))];
    } else if (method === 'POST' && pr !== undefined) {
      const comment = { issue: pr, id: this.nextId++, body: (JSON.parse(text) as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
      this.comments.push(comment);
      [status, answer] = [201, this.view(comment)];
    } else if (method === 'PATCH' && one) {
      const comment = this.comments.find((c) => c.id === Number(one[1]));
      if (comment) comment.body = (JSON.parse(text) as { body: string }).body;
      [status, answer] = comment ? [200, this.view(comment)] : [404, { message: 'Not Found' }];
    } else {
      [status, answer] = [404, { message: 'Not Found' }];
    }
    if (override?.status === 'apply-then-hang') return;
    this.send(res, status, answer, headers);
  }
}
