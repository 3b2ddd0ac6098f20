import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { createHelpers } from '../../src/core/helpers.js';
import { inLazyInitialiser, isLazyInitWrite } from '../../src/core/lazy-init.js';
import { parseText } from '../../src/core/parse.js';
import { buildProjectFacts } from '../../src/project/facts.js';

function parse(code: string, filename: string) {
  const path = `/p/${filename}`;
  const { sourceFile } = parseText(path, code);
  const project = buildProjectFacts({ root: '/p', files: [{ path, relPath: filename, sourceFile }], readDisk: false });
  return { sourceFile, helpers: createHelpers(path, project) };
}

/** Each assignment (`=`, `??=`, `||=`) inside a function of `code`: `line: text → lazy | plain`. */
function writes(code: string, filename = 'src/lib.ts'): string[] {
  const { sourceFile, helpers } = parse(code, filename);
  const out: string[] = [];
  const visit = (node: ts.Node, inFn: boolean) => {
    const op = ts.isBinaryExpression(node) ? node.operatorToken.kind : undefined;
    if (inFn && ts.isBinaryExpression(node) && (op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken)) {
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
      out.push(`${line}: ${node.left.getText(sourceFile)} → ${isLazyInitWrite(node, helpers) ? 'lazy' : 'plain'}`);
    }
    ts.forEachChild(node, (c) => visit(c, inFn || ts.isFunctionLike(c)));
  };
  visit(sourceFile, false);
  return out;
}

/** The calls of `code` that build a lazily initialised value (`inLazyInitialiser`): `line: callee`. */
function initialiserCalls(code: string, filename = 'src/lib.ts'): string[] {
  const { sourceFile, helpers } = parse(code, filename);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && inLazyInitialiser(node, helpers)) out.push(`${sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1}: ${node.expression.getText(sourceFile)}`);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return out;
}

describe('lazy-init: isLazyInitWrite', () => {
  it('takes an early-return guard on a module `let`, with the writes in if/else arms after it', () => {
    expect(
      writes(
        [
          "import knex from 'knex';",
          'let database: any = null;',
          'let transporter: any;',
          'export function getDatabase() {',
          '  if (database) {',
          '    return database;',
          '  }',
          "  const pool = { min: 0, max: 10 };",
          "  database = knex({ client: 'pg', pool });",
          '  return database;',
          '}',
          'export function getMailer(kind: string) {',
          '  if (transporter != null) return transporter;',
          "  if (process.env.EMAIL === 'smtp') transporter = { smtp: true };",
          '  else transporter = { json: true };',
          '  return transporter;',
          '}',
        ].join('\n'),
      ),
    ).toEqual(['9: database → lazy', '14: transporter → lazy', '15: transporter → lazy']);
  });

  it('takes constant-named properties of a module-level object literal, through the same access path', () => {
    expect(
      writes(
        [
          'export const _cache: Record<string, any> = { redis: undefined, bus: undefined, lock: undefined };',
          'export const useRedis = () => {',
          "  if (_cache.redis) return _cache.redis;",
          '  _cache.redis = createRedis();',
          '  return _cache.redis;',
          '};',
          'export const useLock = () => {',
          "  if (_cache['lock'] !== undefined) { return _cache['lock']; }",
          "  _cache.lock = createLock();",
          '};',
          'export const useBus = () => {',
          '  if (_cache.redis) return _cache.redis;',
          '  _cache.bus = createBus();',
          '  return _cache.bus;',
          '};',
          'declare function createRedis(): object; declare function createLock(): object; declare function createBus(): object;',
        ].join('\n'),
      ),
    ).toEqual(['4: _cache.redis → lazy', '9: _cache.lock → lazy', '13: _cache.bus → plain']);
  });

  it('takes an unset test that is one operand of `&&`, nested ifs inside the then-branch, `x || (x = …)` and `??=`', () => {
    expect(
      writes(
        [
          'let cache: object | null = null;',
          'let key: string | undefined;',
          'let templates: Map<string, string> | undefined;',
          'let client: object | undefined;',
          'export function getCache() {',
          "  if (process.env.CACHE_ENABLED === 'true' && cache === null) {",
          '    cache = new Map();',
          '  }',
          '  if (!key) {',
          "    if (process.env.KEY) key = process.env.KEY;",
          "    else key = 'dev';",
          '  }',
          '  return templates || (templates = new Map());',
          '}',
          'export const getClient = () => (client ??= {});',
          'export function refresh() {',
          "  if (!cache || Date.now() > 0) cache = new Map();",
          '}',
        ].join('\n'),
      ),
      // `templates` and `client` are empty containers handed out (returned): whoever gets them may fill them per request.
    ).toEqual(['7: cache → lazy', '10: key → lazy', '11: key → lazy', '13: templates → plain', '15: client → plain', '17: cache → plain']);
  });

  it('keeps flagged: a computed key, a guard that does not return, a write before the guard, a write in a loop after the guard, an emptying write', () => {
    expect(
      writes(
        [
          'const profiles: Record<string, object> = {};',
          'let session: object | undefined;',
          'let pool: object | undefined;',
          'let current: string | undefined;',
          "const HOSTS = ['a', 'b'];",
          'export function profile(id: string) {',
          '  if (!profiles[id]) profiles[id] = {};',
          "  if (!profiles['admin']) profiles['admin'] = {};",
          '}',
          'export function getSession() {',
          "  if (session) console.log('reusing');",
          '  session = {};',
          '}',
          'export function getPool() {',
          '  pool = undefined;',
          '  if (pool) return pool;',
          '  pool = {};',
          '}',
          'export function primary() {',
          '  if (current) return current;',
          '  for (const host of HOSTS) current = host;',
          '}',
          'export function render() {',
          '  if (!session) {',
          '    session = {};',
          '    session = undefined;',
          '  }',
          '}',
        ].join('\n'),
      ),
      // profiles['admin'] too: `profiles[id] = …` may write any property of the object.
    ).toEqual(['7: profiles[id] → plain', "8: profiles['admin'] → plain", '12: session → plain', '15: pool → plain', '17: pool → plain', '21: current → plain', '25: session → lazy', '26: session → plain']);
  });

  it('keeps flagged: values from parameters, `this`, locals derived from them, AsyncLocalStorage, a module `let` set per request, random sources', () => {
    expect(
      writes(
        [
          "import { AsyncLocalStorage } from 'node:async_hooks';",
          "import { randomBytes } from 'node:crypto';",
          "import { nanoid } from 'nanoid';",
          'const als = new AsyncLocalStorage<{ tenant: string }>();',
          'export const _cache: Record<string, any> = { secret: null, key: null, viewer: null, tenant: null, id: null, seed: null };',
          'let tenant: string | undefined;',
          'let db: object | undefined;',
          'export function setTenant(t: string) { tenant = t; }',
          'export function viewer(req: { user: object }) {',
          '  const { user } = req;',
          '  if (!_cache.viewer) _cache.viewer = { user };',
          '  if (!_cache.tenant) _cache.tenant = als.getStore()?.tenant;',
          '  if (!db) db = { tenant };',
          '}',
          'export function secrets() {',
          '  if (_cache.secret) return _cache.secret;',
          '  _cache.secret = nanoid(32);',
          "  if (!_cache.key) { const bytes = randomBytes(32); _cache.key = bytes.toString('hex'); }",
          '  if (!_cache.id) _cache.id = crypto.randomUUID();',
          '  if (!_cache.seed) _cache.seed = Math.random();',
          '}',
          'export class Session {',
          '  user = {};',
          '  remember() { if (!_cache.viewer) _cache.viewer = this.user; }',
          '}',
        ].join('\n'),
      ),
    ).toEqual([
      '8: tenant → plain',
      '11: _cache.viewer → plain',
      '12: _cache.tenant → plain',
      '13: db → plain',
      '17: _cache.secret → plain',
      '18: _cache.key → plain',
      '19: _cache.id → plain',
      '20: _cache.seed → plain',
      '24: _cache.viewer → plain',
    ]);
  });

  it('keeps flagged: a container created lazily and then changed in place', () => {
    expect(
      writes(
        [
          'let recent: string[] | undefined;',
          'let templates: Map<string, string> | undefined;',
          'const _cache: Record<string, any> = { sessions: undefined, flags: undefined, index: undefined, redis: undefined };',
          'export function remember(id: string) {',
          '  if (!recent) recent = [];',
          '  recent.push(id);',
          '  _cache.sessions ??= new Map();',
          "  _cache.sessions.set(id, 'active');",
          "  if (!_cache.flags) _cache.flags = new Set(['beta']);",
          "  templates ??= new Map([['welcome', 'Hello']]);",
          "  if (!_cache.index) _cache.index = Object.create(null);",
          '  _cache.index[id] = Date.now();',
          "  if (!_cache.redis) _cache.redis = connect();",
          "  _cache.redis.set(id, 'seen');",
          "  return templates.get('welcome');",
          '}',
          'declare function connect(): Map<string, string>;',
          'let challenges: Map<string, string> | null = null;',
          'let firstUsers: Set<string> | undefined;',
          'export async function codeChallenges(userId: string) {',
          '  if (challenges === null) {',
          '    challenges = new Map();',
          "    for (const file of ['a.ts', 'b.ts']) challenges.set(file, file.toUpperCase());",
          '  }',
          '  if (!firstUsers) {',
          '    firstUsers = new Set();',
          '    firstUsers.add(userId);',
          '  }',
          '  return challenges;',
          '}',
        ].join('\n'),
      ),
      // Filled while it is built, under the same guard: `challenges` is built once (and returned to be read); `firstUsers` keeps the first caller's id.
      // `_cache.redis.set(…)` on a client made by a call is the client's business, not a container filled here.
    ).toEqual(['5: recent → plain', '7: _cache.sessions → plain', '9: _cache.flags → lazy', '10: templates → lazy', '11: _cache.index → plain', '12: _cache.index[id] → plain', '13: _cache.redis → lazy', '22: challenges → lazy', '26: firstUsers → plain']);
  });

  it('follows destructured locals and a `let` assigned in branches to what they hold', () => {
    expect(
      writes(
        [
          'export const _cache: { counter: object | null; window: object | undefined } = { counter: null, window: undefined };',
          'export function useCounters(redisUrl?: string) {',
          '  if (_cache.counter) return _cache.counter;',
          '  let counter: object;',
          "  if (process.env.REDIS_URL) counter = { type: 'redis' };",
          "  else counter = { type: 'local' };",
          '  _cache.counter = counter;',
          '  return counter;',
          '}',
          'export async function migrationWindow(items: string[]) {',
          '  if (!_cache.window) {',
          "    const [oldest, latest] = await Promise.all([load('asc'), load('desc')]);",
          '    _cache.window = { oldest, latest };',
          '  }',
          '  for (const item of items) {',
          '    if (!_cache.counter) _cache.counter = { item };',
          '  }',
          '}',
          'declare function load(order: string): Promise<string>;',
        ].join('\n'),
      ),
    ).toEqual(["5: counter → plain", "6: counter → plain", '7: _cache.counter → lazy', '13: _cache.window → lazy', '16: _cache.counter → plain']);
  });
});

describe('lazy-init: second read (s14)', () => {
  it('keeps flagged: handed-out containers, a `let` object memo, falsy memos, request data beside the write, a throw before it, helpers reading a store or chance', () => {
    expect(
      writes(
        [
          "import { existsSync, readdirSync } from 'node:fs';",
          "import { AsyncLocalStorage } from 'node:async_hooks';",
          "import { nanoid } from 'nanoid';",
          'const _cache: { sessions?: Map<string, unknown>; queue?: string[]; tpl?: string; secret?: string } = {};',
          'let audit: object[] | undefined;',
          'export function sessions() {',
          '  if (!_cache.sessions) _cache.sessions = new Map();',
          '  return _cache.sessions;',
          '}',
          'export function enqueue(job: string) {',
          '  const q = (_cache.queue ??= []);',
          '  q.push(job);',
          '}',
          'export function auditLog() {',
          '  if (audit) return audit;',
          '  audit = [];',
          '  return audit;',
          '}',
          'let _views: { page?: string } = {};',
          'export function page() {',
          '  if (_views.page) return _views.page;',
          "  _views.page = 'x';",
          '  return _views.page;',
          '}',
          'export function resetViews() { _views = {}; }',
          'let maintenance: boolean | undefined;',
          'let count: number | undefined;',
          'let known: boolean | undefined;',
          'export function flags() {',
          "  if (!maintenance) maintenance = existsSync('/run/maintenance');",
          "  count ||= readdirSync('/srv/templates').length;",
          "  if (known === undefined) known = existsSync('/run/known');",
          '  return [maintenance, count, known];',
          '}',
          'let api: { use(f: (h: Record<string, string>) => void): void } | undefined;',
          'export function apiFor(req: { headers: Record<string, string> }) {',
          '  if (api) return api;',
          '  api = create();',
          '  api.use((h) => { h.authorization = req.headers.authorization; });',
          '  return api;',
          '}',
          'declare function create(): { use(f: (h: Record<string, string>) => void): void };',
          'let key: string | undefined;',
          'export function signingKey(authorised: boolean) {',
          '  if (key) return key;',
          "  const pem = 'pem';",
          "  if (!authorised) throw new Error('unauthenticated');",
          '  key = pem;',
          '  return key;',
          '}',
          'const als = new AsyncLocalStorage<{ tenant: string }>();',
          'const tenant = () => als.getStore()!.tenant;',
          'function generateSecret() { return nanoid(32); }',
          'let pool: { name: string } | undefined;',
          'export function db() {',
          '  if (!pool) pool = { name: tenant() };',
          '  return pool;',
          '}',
          'export function secret() {',
          '  if (_cache.secret) return _cache.secret;',
          '  _cache.secret = process.env.SECRET ?? generateSecret();',
          '  return _cache.secret;',
          '}',
        ].join('\n'),
      ),
      // Only `known` (tested against undefined) is a lazy write; `_views = {}` is the reset; `key`: the parameter read before the write.
    ).toEqual([
      '7: _cache.sessions → plain',
      '11: _cache.queue → plain',
      '16: audit → plain',
      '22: _views.page → plain',
      '25: _views → plain',
      '30: maintenance → plain',
      '31: count → plain',
      '32: known → lazy',
      '38: api → plain',
      '39: h.authorization → plain',
      '48: key → plain',
      '56: pool → plain',
      '61: _cache.secret → plain',
    ]);
  });
});

describe('lazy-init: inLazyInitialiser', () => {
  it('covers the value of the write, a then-branch that writes on every path, and the statements from a guard to the write', () => {
    expect(
      initialiserCalls(
        [
          "import { readFileSync } from 'node:fs';",
          'const _cache: { env: object | undefined; cert: string | undefined } = { env: undefined, cert: undefined };',
          'let template: string | undefined;',
          'let settings: object | undefined;',
          'export const useEnv = () => {',
          '  if (_cache.env) return _cache.env;',
          '  _cache.env = createEnv();',
          '  return _cache.env;',
          '};',
          'export function cert() {',
          '  if (_cache.cert !== undefined) return _cache.cert;',
          "  const pem = readFileSync('/etc/tls/cert.pem', 'utf8');",
          '  _cache.cert = pem.trim();',
          '  return _cache.cert;',
          '}',
          'export function render(name: string) {',
          '  if (!template) {',
          "    const raw = readFileSync('/views/layout.html', 'utf8');",
          '    template = raw.replace(/\\s+/g, " ");',
          '  }',
          "  settings ??= JSON.parse(readFileSync('/etc/settings.json', 'utf8'));",
          '  return template.replace("{{name}}", name);',
          '}',
          'declare function createEnv(): object;',
        ].join('\n'),
      ),
    ).toEqual(['7: createEnv', '12: readFileSync', '13: pem.trim', '18: readFileSync', '19: raw.replace', '21: JSON.parse', '21: readFileSync']);
  });

  it('leaves out work that can run again: a reset, a conditional write, a return before the write, a try block, an escaping or exported memo, nested callbacks', () => {
    expect(
      initialiserCalls(
        [
          "import { readFileSync } from 'node:fs';",
          'let cache: string | null = null;',
          'let page: string | undefined;',
          'let cfg: object | undefined;',
          'let secret: string | undefined;',
          'let onReady: (() => void) | undefined;',
          'const _memo: { env: object | undefined } = { env: undefined };',
          'export function handle() {',
          "  if (!cache) cache = readFileSync('/etc/big.json', 'utf8');",
          '  const out = cache;',
          '  cache = null;',
          '  return out;',
          '}',
          'export function render(name: string) {',
          '  if (page) return page;',
          "  const text = readFileSync('/views/home.html', 'utf8');",
          "  if (name === 'home') page = text;",
          '  return text;',
          '}',
          'export function config() {',
          "  try { if (!cfg) cfg = JSON.parse(readFileSync('/etc/app.json', 'utf8')); } catch { }",
          '  return cfg;',
          '}',
          'export function getSecret() {',
          '  if (secret) return secret;',
          "  if (process.env.SECRET) return process.env.SECRET;",
          "  secret = readFileSync('/run/secrets/app', 'utf8');",
          '  return secret;',
          '}',
          'export function useEnv() {',
          '  if (!_memo.env) _memo.env = JSON.parse(readFileSync(\'/etc/env.json\', \'utf8\'));',
          '  return _memo.env;',
          '}',
          'export function reset(target: object) { Object.assign(target, _memo); }',
          'export function ready() {',
          "  if (!onReady) onReady = () => readFileSync('/tmp/ready', 'utf8');",
          '}',
          '// Another module may reset an exported memo: `_shared.env = undefined` in a route.',
          'export const _shared: { env: object | undefined } = { env: undefined };',
          'export function sharedEnv() {',
          "  if (_shared.env) return _shared.env;",
          "  _shared.env = JSON.parse(readFileSync('/etc/env.json', 'utf8'));",
          '  return _shared.env;',
          '}',
          'let report: string | null = null;',
          'export function dailyReport() {',
          '  if (!report) {',
          "    report = readFileSync('/srv/report.html', 'utf8');",
          '    report = null;',
          '  }',
          '}',
        ].join('\n'),
      ),
    // Only the value of `secret = …`: it runs when the write does (the return before it skips both).
    ).toEqual(['27: readFileSync']);
  });
});
