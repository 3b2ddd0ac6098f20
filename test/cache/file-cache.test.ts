// The per-file cache (src/cache/file-cache.ts, src/cache/record.ts): after a change, only what must
// be re-checked is, and the report always equals an uncached scan's.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { onlyRule, writeProject } from '../support/fixtures.js';

interface Stats {
  scan: string;
  read?: number;
  reachReused?: boolean;
  shapeReused?: boolean;
  reachWalked?: number;
  listed?: boolean;
  parsed?: number;
  checked?: number;
  unparsed?: number;
}

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { PRODCHECK_DEBUG_CACHE: '1' },
  });
  const stats = JSON.parse(/^prodcheck: cache (\{.*\})$/m.exec(stderr)?.[1] ?? '{}') as Stats;
  return { code, stdout, stats };
}

/**
 * A scan answered by the per-file cache (the whole-scan entry removed), checked equal to an uncached
 * scan: its statistics, and the files with findings of `ruleId`.
 */
async function perFileScan(root: string, cache: string, ruleId: string) {
  rmSync(join(cache, 'scan.json'), { force: true });
  const cached = await run([root, '--format', 'json', '--cache-location', cache]);
  expect(cached.stdout).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
  const findings = (JSON.parse(cached.stdout) as { findings: Array<{ file: string; ruleId: string }> }).findings;
  return { stats: cached.stats, files: findings.filter((f) => f.ruleId === ruleId).map((f) => f.file) };
}

/** The lines of a cache's files.json: the recorded read trees (one line per facts root) and the stored request reach. */
function storedLines(cache: string): { trees: string[]; reach: string } {
  const [, meta, ...rest] = readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
  const count = (JSON.parse(meta as string) as { trees: number }).trees;
  return { trees: rest.slice(0, count), reach: rest[count] as string };
}

const project = {
  'package.json': JSON.stringify({ name: 'billing-api', dependencies: { express: '^4.21.0', pg: '^8.11.0' } }),
  'src/server.ts': [
    "import express from 'express';",
    "import { invoicesRouter } from './invoices.router';",
    '',
    'const app = express();',
    "app.use('/invoices', invoicesRouter);",
    'app.listen(3000);',
    '',
  ].join('\n'),
  'src/invoices.router.ts': [
    "import { Router } from 'express';",
    "import { recordAudit } from './audit';",
    "import { findInvoice } from './invoices.repository';",
    '',
    'export const invoicesRouter = Router();',
    "invoicesRouter.get('/:id', async (req, res) => {",
    '  const invoice = await findInvoice(req.params.id);',
    "  recordAudit({ action: 'invoice.read', id: req.params.id });",
    '  res.json(invoice);',
    '});',
    '',
  ].join('\n'),
  'src/audit.ts': ['export function recordAudit(event: { action: string; id: string }) {', '  return JSON.stringify(event).length;', '}', ''].join('\n'),
  'src/invoices.repository.ts': [
    "import { Pool } from 'pg';",
    '',
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 });',
    '',
    'export async function findInvoice(id: string) {',
    "  const { rows } = await pool.query('select * from invoices where id = $1', [id]);",
    '  return rows[0];',
    '}',
    '',
  ].join('\n'),
  'src/reports/monthly.ts': ["import { findInvoice } from '../invoices.repository';", '', 'export async function monthly(id: string) {', '  return findInvoice(id);', '}', ''].join('\n'),
};

/** An Express API whose route queries Mongo with a query-string field (no-nosql-injection's case). */
function ordersApi(express: string, field: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'orders-api', dependencies: { express, mongoose: '^8.9.0' } }),
    'src/models/order.model.ts': ["import { Schema, model } from 'mongoose';", '', `export const Order = model('Order', new Schema({ ${field}: String }));`, ''].join('\n'),
    'src/routes/orders.ts': [
      "import { Router } from 'express';",
      "import { Order } from '../models/order.model';",
      '',
      'export const orders = Router();',
      "orders.get('/orders', async (req, res) => {",
      `  res.json(await Order.find({ ${field}: req.query.${field} }).lean());`,
      '});',
      '',
    ].join('\n'),
  };
}

/** An application module that sets Express's query parser. */
const queryParser = (mode: string) => ["import express from 'express';", '', 'export const app = express();', `app.set('query parser', '${mode}');`, ''].join('\n');

describe('per-file cache', () => {
  it('re-checks what a change can affect, and the report equals an uncached scan', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = async () => {
      const { stats, files } = await perFileScan(root, cache, 'no-floating-promise');
      return { stats, findings: files };
    };
    const files = Object.keys(project).filter((f) => f.endsWith('.ts')).length;
    const cold = await scan();
    expect(cold.stats).toMatchObject({ scan: 'miss', checked: files, parsed: files });
    expect(cold.findings).toEqual([]);

    // Nothing changed: nothing is checked; only the files request reach walks are parsed.
    const warm = await scan();
    expect(warm.stats.checked).toBe(0);
    expect(warm.stats.parsed).toBeLessThan(files);

    // A change to a module's body that keeps its exports: that file alone.
    writeFileSync(join(root, 'src/invoices.repository.ts'), `${project['src/invoices.repository.ts']}\n// rows are plain objects\n`);
    expect((await scan()).stats.checked).toBe(1);

    // An exported function becomes async: the file and its importer are checked again (no other
    // file read that export), and the importer now has a finding.
    writeFileSync(join(root, 'src/audit.ts'), project['src/audit.ts'].replace('export function', 'export async function'));
    const asyncNow = await scan();
    expect(asyncNow.stats.checked).toBe(2);
    expect(asyncNow.findings).toEqual(['src/invoices.router.ts']);
    expect((await scan()).stats.checked).toBe(0);

    // A file added, then deleted: that file alone is checked (no answer about every module, such
    // as the query parser set anywhere, reads the list of modules).
    writeFileSync(join(root, 'src/reports/yearly.ts'), "import { recordAudit } from '../audit';\n\nexport function yearly() {\n  recordAudit({ action: 'yearly', id: '-' });\n}\n");
    const added = await scan();
    expect(added.findings).toEqual(['src/invoices.router.ts', 'src/reports/yearly.ts']);
    expect(added.stats.checked).toBe(1);
    rmSync(join(root, 'src/reports/yearly.ts'));
    const removed = await scan();
    expect(removed.findings).toEqual(['src/invoices.router.ts']);
    expect(removed.stats.checked).toBe(0);
    rmSync(join(root, 'src/reports/monthly.ts'));
    await scan();

    // A configuration change: everything is checked again.
    writeFileSync(join(root, 'prodcheck.config.json'), JSON.stringify({ rules: { 'no-console-log': 'off' } }));
    expect((await scan()).stats.checked).toBe(files - 1);
  }, 120_000);

  it('re-checks the users of an answer about every module when a file added or removed changes it, and only then', async () => {
    const root = writeProject(ordersApi('^4.19.2', 'customerEmail'));
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = () => perFileScan(root, cache, 'no-nosql-injection');
    // Express 4 parses `?email[$ne]=x` into an object: the query reaches Mongo as one.
    expect(await scan()).toMatchObject({ stats: { checked: 2 }, files: ['src/routes/orders.ts'] });
    // A file that sets no query parser: the answer (the parser set anywhere) is the same.
    writeFileSync(join(root, 'src/health.ts'), "export const health = () => ({ status: 'ok' });\n");
    expect(await scan()).toMatchObject({ stats: { checked: 1 }, files: ['src/routes/orders.ts'] });
    // One that sets the simple parser: every file that used the answer is checked again.
    writeFileSync(join(root, 'src/app.ts'), queryParser('simple'));
    expect(await scan()).toMatchObject({ stats: { checked: 2 }, files: [] });
    rmSync(join(root, 'src/app.ts'));
    expect(await scan()).toMatchObject({ stats: { checked: 1 }, files: ['src/routes/orders.ts'] });
  }, 120_000);

  it('sees an answer about every module change when modules with such evidence are swapped, not only added', async () => {
    // Express 5 parses query strings simply; a file setting the extended parser makes the query
    // reach Mongo as an object. The setting files are named so that the answer reaches them first.
    const root = writeProject({ ...ordersApi('^5.1.0', 'status'), 'src/z1.ts': queryParser('extended'), 'src/z2.ts': queryParser('simple') });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = () => perFileScan(root, cache, 'no-nosql-injection');
    expect((await scan()).files).toEqual(['src/routes/orders.ts']);
    // The module that set the extended parser goes, one setting the simple one comes: the modules
    // with such evidence are as many as before, at the same places in their order.
    rmSync(join(root, 'src/z1.ts'));
    writeFileSync(join(root, 'src/z3.ts'), queryParser('simple'));
    expect(await scan()).toMatchObject({ stats: { checked: 2 }, files: [] });
    // And with no file added or removed: the extended setting moves from one module to another.
    writeFileSync(join(root, 'src/z2.ts'), queryParser('extended'));
    expect((await scan()).files).toEqual(['src/routes/orders.ts']);
    writeFileSync(join(root, 'src/z2.ts'), "export const app = 'configured elsewhere';\n");
    writeFileSync(join(root, 'src/z3.ts'), queryParser('extended'));
    expect((await scan()).files).toEqual(['src/routes/orders.ts']);
    writeFileSync(join(root, 'src/z3.ts'), queryParser('simple'));
    expect((await scan()).files).toEqual([]);
  }, 120_000);

  it('after a change to sources only, reuses the stored file list and reads only the changed files up front', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const both = async (format: string) => {
      const cached = await run([root, '--format', format, '--cache-location', cache]);
      const uncached = await run([root, '--format', format, '--no-cache']);
      expect(cached.stdout).toBe(uncached.stdout);
      return cached.stats;
    };
    // A repository file a project rule reads (the image installs with `npm install`, not `npm ci`).
    writeFileSync(join(root, 'Dockerfile'), ['FROM node:20-slim', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm install', 'COPY . .', 'CMD ["node", "dist/server.js"]', ''].join('\n'));
    const dockerFindings = async () => {
      const report = JSON.parse((await run([root, '--format', 'json', '--cache-location', cache])).stdout) as { findings: Array<{ file: string; ruleId: string }> };
      return report.findings.filter((f) => f.ruleId === 'docker-install-practice').map((f) => f.file);
    };
    const files = Object.keys(project).filter((f) => f.endsWith('.ts')).length;
    expect(await both('json')).toMatchObject({ scan: 'miss', read: files, listed: true });
    // A body change: the whole-scan entry no longer answers, but its directories and inputs hold:
    // the stored lists of sources and repository files stand for discovery.
    writeFileSync(join(root, 'src/invoices.repository.ts'), `${project['src/invoices.repository.ts']}\n// rows are plain objects\n`);
    expect(await both('json')).toMatchObject({ scan: 'miss', read: 1, checked: 1, listed: false });
    writeFileSync(join(root, 'src/invoices.repository.ts'), `${project['src/invoices.repository.ts']}\n// ids are uuids\n`);
    expect(await dockerFindings()).toEqual(['Dockerfile']);
    // The pretty report's code frames read the unchanged files they show.
    writeFileSync(join(root, 'src/audit.ts'), project['src/audit.ts'].replace('export function', 'export async function'));
    expect(await both('pretty')).toMatchObject({ scan: 'miss', read: 1 });
    // A file added to an existing directory changes that directory: discovery runs again, and reads
    // only the files whose size or time differ from the stored stamps (the new one).
    writeFileSync(join(root, 'src/reports/yearly.ts'), "import { recordAudit } from '../audit';\n\nexport function yearly() {\n  recordAudit({ action: 'yearly', id: '-' });\n}\n");
    expect(await both('json')).toMatchObject({ scan: 'miss', read: 1, listed: true });
    // A file removed, and one changed with it: the changed one is read.
    rmSync(join(root, 'src/reports/yearly.ts'));
    writeFileSync(join(root, 'src/audit.ts'), project['src/audit.ts']);
    expect(await both('json')).toMatchObject({ scan: 'miss', read: 1, listed: true, checked: 2 });
  }, 120_000);

  it('takes the project shape (workspace packages, path mappings) from the whole-scan entry while the inputs it is read from are unchanged', async () => {
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['services/*'] }),
      'services/orders/package.json': JSON.stringify({ name: '@shop/orders', dependencies: { express: '^4.21.0' } }),
      'services/orders/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@orders/*': ['src/*'] } } }),
      'services/orders/src/server.ts': ["import express from 'express';", "import { ordersRouter } from '@orders/orders.router';", '', 'const app = express();', "app.use('/orders', ordersRouter);", 'app.listen(3000);', ''].join('\n'),
      'services/orders/src/orders.router.ts': [
        "import { Router } from 'express';",
        "import { recordAudit } from '@orders/audit';",
        '',
        'export const ordersRouter = Router();',
        "ordersRouter.post('/', async (req, res) => {",
        "  recordAudit({ action: 'order.created' });",
        '  res.status(201).end();',
        '});',
        '',
      ].join('\n'),
      'services/orders/src/audit.ts': ['export function recordAudit(event: { action: string }) {', '  return JSON.stringify(event).length;', '}', ''].join('\n'),
      'services/billing/package.json': JSON.stringify({ name: '@shop/billing' }),
      'services/billing/src/invoice.ts': ['export function total(lines: number[]) {', '  return lines.reduce((a, b) => a + b, 0);', '}', ''].join('\n'),
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const entry = join(cache, 'scan.json');
    const scan = async () => {
      const cached = await run([root, '--format', 'json', '--cache-location', cache]);
      expect(cached.stdout).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
      const report = JSON.parse(cached.stdout) as { packages: Array<{ name: string }>; findings: Array<{ file: string; ruleId: string }> };
      return { stats: cached.stats, packages: report.packages.map((p) => p.name), floating: report.findings.filter((f) => f.ruleId === 'no-floating-promise').map((f) => f.file) };
    };
    const audit = join(root, 'services/orders/src/audit.ts');
    const cold = await scan();
    expect(cold.stats).toMatchObject({ scan: 'miss', listed: true });
    expect(cold.stats.shapeReused).toBeUndefined();
    expect(cold.packages).toEqual(['shop', '@shop/billing', '@shop/orders']);
    expect(cold.floating).toEqual([]);
    // The import through the package's path mapping resolves with the stored shape: the router's
    // call becomes a floating promise when the audit function turns async.
    writeFileSync(audit, readFileSync(audit, 'utf8').replace('export function', 'export async function'));
    const changed = await scan();
    expect(changed.stats).toMatchObject({ scan: 'miss', listed: false, shapeReused: true, checked: 2 });
    expect(changed.floating).toEqual(['services/orders/src/orders.router.ts']);
    // The stored shape is what the scan takes: a package renamed in it (only there) is named so.
    const stored = JSON.parse(readFileSync(entry, 'utf8')) as { shape: { workspaces: { packages: Array<{ name: string }> } } };
    (stored.shape.workspaces.packages[1] as { name: string }).name = '@shop/billing-from-cache';
    writeFileSync(entry, JSON.stringify(stored));
    writeFileSync(audit, `${readFileSync(audit, 'utf8')}// audit actions are short\n`);
    const tampered = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(tampered.stats).toMatchObject({ shapeReused: true });
    expect((JSON.parse(tampered.stdout) as { packages: Array<{ name: string }> }).packages.map((p) => p.name)).toEqual(['shop', '@shop/billing-from-cache', '@shop/orders']);
    // A stored shape of the wrong shape is not taken: the project is read again.
    const malformed = JSON.parse(readFileSync(entry, 'utf8')) as { shape: { workspaces: { packages: unknown } } };
    malformed.shape.workspaces.packages = 'services/*';
    writeFileSync(entry, JSON.stringify(malformed));
    writeFileSync(audit, `${readFileSync(audit, 'utf8')}// and never empty\n`);
    const again = await scan();
    expect(again.stats).toMatchObject({ scan: 'miss', listed: false });
    expect(again.stats.shapeReused).toBeUndefined();
    expect(again.packages).toEqual(['shop', '@shop/billing', '@shop/orders']);
    // Nor one without the root package first.
    const rootless = JSON.parse(readFileSync(entry, 'utf8')) as { shape: { workspaces: { packages: unknown[] } } };
    rootless.shape.workspaces.packages = [];
    writeFileSync(entry, JSON.stringify(rootless));
    writeFileSync(audit, `${readFileSync(audit, 'utf8')}// nor longer than a line\n`);
    const rootlessScan = await scan();
    expect(rootlessScan.stats.shapeReused).toBeUndefined();
    expect(rootlessScan.packages).toEqual(['shop', '@shop/billing', '@shop/orders']);
    // A source file added: the tree is listed again, but the inputs are as they were.
    writeFileSync(join(root, 'services/billing/src/tax.ts'), 'export const vatRate = 0.2;\n');
    const added = await scan();
    expect(added.stats).toMatchObject({ listed: true, shapeReused: true, checked: 1 });
    // A workspace's package.json is an input: changing it is not a change to sources only.
    writeFileSync(join(root, 'services/billing/package.json'), JSON.stringify({ name: '@shop/invoicing' }));
    const renamed = await scan();
    expect(renamed.stats.listed).toBe(true);
    expect(renamed.stats.shapeReused).toBeUndefined();
    expect(renamed.packages).toEqual(['shop', '@shop/invoicing', '@shop/orders']);
    // Nor is one added: a new workspace package, with a source file of its own.
    mkdirSync(join(root, 'services/shipping'));
    writeFileSync(join(root, 'services/shipping/package.json'), JSON.stringify({ name: '@shop/shipping' }));
    writeFileSync(join(root, 'services/shipping/index.ts'), 'export const carriers = ["dhl"];\n');
    const more = await scan();
    expect(more.stats.shapeReused).toBeUndefined();
    expect(more.packages).toEqual(['shop', '@shop/invoicing', '@shop/orders', '@shop/shipping']);
    // Nor one removed.
    rmSync(join(root, 'services/shipping/package.json'));
    const fewer = await scan();
    expect(fewer.stats.shapeReused).toBeUndefined();
    expect(fewer.packages).toEqual(['shop', '@shop/invoicing', '@shop/orders']);
  }, 120_000);

  it('reads the project shape again when its path mappings come from a tsconfig out of the root (also through a link) or under node_modules', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'prodcheck-shared-config-'));
    writeFileSync(join(outside, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }));
    for (const where of ['out of the root', 'through a link out of the root', 'under node_modules']) {
      const root = writeProject({
        'package.json': JSON.stringify({ name: 'billing-api' }),
        'node_modules/@acme/tsconfig/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '../../..', paths: { '@lib/*': ['src/lib/*'] } } }),
        'src/lib/money.ts': 'export const cents = (n: number) => Math.round(n * 100);\n',
      });
      if (where === 'through a link out of the root') symlinkSync(outside, join(root, 'config'), 'dir');
      const base = { 'out of the root': relative(root, join(outside, 'tsconfig.base.json')), 'through a link out of the root': './config/tsconfig.base.json', 'under node_modules': './node_modules/@acme/tsconfig/tsconfig.json' }[where];
      writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ extends: base, compilerOptions: { strict: true } }));
      const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
      const scan = async () => {
        const cached = await run([root, '--format', 'json', '--cache-location', cache]);
        expect(cached.stdout, where).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
        return cached.stats;
      };
      expect((await scan()).scan, where).toBe('miss');
      // A change to sources only: the lists are the stored ones, the shape is read again.
      writeFileSync(join(root, 'src/lib/money.ts'), 'export const cents = (n: number) => Math.round(n * 100);\n// rounds half away from zero\n');
      const changed = await scan();
      expect(changed, where).toMatchObject({ scan: 'miss', listed: false, checked: 1 });
      expect(changed.shapeReused, where).toBeUndefined();
    }
  }, 120_000);

  it('does not take a file renamed onto a path, or rewritten with its time kept, for the one stamped there', async () => {
    // Two sources and two package.json versions of the same sizes and modification times: renaming
    // one onto another keeps its time (Linux's clock often gives files written together one time).
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'tools', engines: { node: '>=20' } }),
      'package.next.json': JSON.stringify({ name: 'tools', enginex: { node: '>=20' } }),
      'src/run.ts': 'export function run(code: string) { return eval(code); }\n',
      'src/run.next.ts': 'export function run(code: string) { return atob(code); }\n',
    });
    const when = new Date('2026-01-05T10:00:00Z');
    for (const f of ['package.json', 'package.next.json', 'src/run.ts', 'src/run.next.ts']) utimesSync(join(root, f), when, when);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = async () => {
      const cached = await run([root, '--format', 'json', '--cache-location', cache]);
      expect(cached.stdout).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
      return { stats: cached.stats, rules: (JSON.parse(cached.stdout) as { findings: Array<{ ruleId: string; file: string }> }).findings.map((f) => `${f.ruleId} ${f.file}`).filter((f) => /^(no-eval|require-engines) /.test(f)) };
    };
    expect((await scan()).rules).toEqual(['no-eval src/run.ts']);
    renameSync(join(root, 'src/run.next.ts'), join(root, 'src/run.ts'));
    expect(await scan()).toMatchObject({ stats: { scan: 'miss', read: 1, checked: 1 }, rules: [] });
    expect(await scan()).toMatchObject({ stats: { scan: 'hit' }, rules: [] });
    // An input: the project's package.json replaced by one without `engines`.
    renameSync(join(root, 'package.next.json'), join(root, 'package.json'));
    expect(await scan()).toMatchObject({ stats: { scan: 'miss' }, rules: ['require-engines package.json'] });
    expect((await scan()).stats.scan).toBe('hit');
    // Rewritten in place with its modification time put back (`cp -p`, `touch -r`): its change time moved.
    writeFileSync(join(root, 'src/run.ts'), 'export function run(code: string) { return eval(code); }\n');
    utimesSync(join(root, 'src/run.ts'), when, when);
    expect(await scan()).toMatchObject({ stats: { scan: 'miss', read: 1 }, rules: ['require-engines package.json', 'no-eval src/run.ts'] });
  }, 120_000);

  it('ignores a whole-scan entry whose input stamps are malformed, with a note', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const uncached = (await run([root, '--format', 'json', '--no-cache'])).stdout;
    expect((await run([root, '--format', 'json', '--cache-location', cache])).stdout).toBe(uncached);
    const entry = join(cache, 'scan.json');
    const stored = JSON.parse(readFileSync(entry, 'utf8')) as { tree: { inputs: Record<string, unknown> } };
    stored.tree.inputs['package.json'] = null;
    writeFileSync(entry, JSON.stringify(stored));
    // A directory changed too, so that the stored entry would be used for its stamps.
    writeFileSync(join(root, 'src/reports/yearly.ts'), 'export const year = 2026;\n');
    let stderr = '';
    const code = await main([root, '--format', 'json', '--cache-location', cache, '-o', join(cache, 'report.json')], {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      env: {},
    });
    expect([code, stderr]).toEqual([0, `prodcheck: cache ${entry} is corrupt; scanning without it\n`]);
    expect(readFileSync(join(cache, 'report.json'), 'utf8')).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
  }, 120_000);

  it('reuses request reach while the files it walked are unchanged, and walks again only the work of changed files', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = async () => {
      const cached = await run([root, '--format', 'json', '--cache-location', cache]);
      const uncached = await run([root, '--format', 'json', '--no-cache']);
      expect(cached.stdout).toBe(uncached.stdout);
      return { stats: cached.stats, findings: (JSON.parse(cached.stdout) as { findings: Array<{ file: string; ruleId: string }> }).findings };
    };
    const cold = (await scan()).stats;
    expect(cold.scan).toBe('miss');
    expect(cold.reachReused).toBeUndefined();
    // A file request handling never reaches (a report job): the stored reach holds; nothing is parsed for it.
    writeFileSync(join(root, 'src/reports/monthly.ts'), `${project['src/reports/monthly.ts']}\n// runs on the first of the month\n`);
    expect((await scan()).stats).toMatchObject({ reachReused: true, parsed: 1, checked: 1 });
    // A file the invoice handler reaches: its work is done again, the other walked files' is taken
    // from the cache (the server and the router are not parsed).
    writeFileSync(join(root, 'src/audit.ts'), `${project['src/audit.ts']}\n// audit events are small\n`);
    expect((await scan()).stats).toMatchObject({ reachWalked: 1, parsed: 1, checked: 1 });
    // The audit module now calls the repository too: its work is done again, and nothing else's (the
    // router's handler reaches findInvoice already).
    writeFileSync(
      join(root, 'src/audit.ts'),
      ["import { findInvoice } from './invoices.repository';", '', 'export function recordAudit(event: { action: string; id: string }) {', '  void findInvoice(event.id);', '  return JSON.stringify(event).length;', '}', ''].join('\n'),
    );
    expect((await scan()).stats).toMatchObject({ reachWalked: 1 });
    // The audit module now re-exports the function from another file: what the router's handler
    // read about it changed, so the router's work is done again (the server's is not).
    writeFileSync(join(root, 'src/audit-log.ts'), project['src/audit.ts']);
    writeFileSync(join(root, 'src/audit.ts'), "export { recordAudit } from './audit-log';\n");
    expect((await scan()).stats).toMatchObject({ reachWalked: 2 });
    expect((await scan()).stats).toMatchObject({ scan: 'hit' });
  }, 120_000);

  it('walks request reach again in a file whose import now resolves elsewhere, though neither its text nor what it read changed', async () => {
    // The route handler calls loadReport() from `@reports`, which tsconfig's paths first map to the
    // daily report (no blocking call), then to the archive, which reads a file synchronously. The
    // server's text is the same; request reach took its specifiers' resolutions from its module facts
    // (not recorded among its reads), which are built again.
    const tsconfig = (target: string) => JSON.stringify({ compilerOptions: { strict: true, baseUrl: '.', paths: { '@reports': [target] } } });
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'reports-api', dependencies: { express: '^4.21.0' } }),
      'tsconfig.json': tsconfig('src/reports/daily.ts'),
      'src/server.ts': "import express from 'express';\nimport { loadReport } from '@reports';\n\nconst app = express();\napp.get('/report', (_req, res) => {\n  res.send(loadReport());\n});\napp.listen(3000);\n",
      'src/reports/daily.ts': "export function loadReport() {\n  return 'daily totals';\n}\n",
      'src/reports/archive.ts': "import { readFileSync } from 'node:fs';\n\nexport function loadReport() {\n  return readFileSync('/var/reports/archive.csv', 'utf8');\n}\n",
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-sync-in-handler')).files).toEqual([]);
    // The stored reach's reads hold no resolution of a file's own specifier.
    const { reach } = storedLines(cache);
    expect(reach).toContain('"walked"');
    expect(reach).not.toContain('"resolveImport"');
    writeFileSync(join(root, 'tsconfig.json'), tsconfig('src/reports/archive.ts'));
    const after = await perFileScan(root, cache, 'no-sync-in-handler');
    expect(after.files).toEqual(['src/reports/archive.ts']);
    expect(after.stats.reachReused).toBeUndefined();
  }, 60_000);

  it("re-checks a file whose roles change though its text does not: its package becomes a front end", async () => {
    // The banner module prints with console.log: server code while its package serves HTTP, browser
    // code once the package.json next to it is a React app's (the file's own text is the same). With
    // no-console-log alone on, the file's rules read nothing from the facts that changes: only what
    // it was checked as (its roles) tells its result is stale.
    const root = writeProject({
      'prodcheck.config.json': JSON.stringify({ rules: onlyRule('no-console-log').rules }),
      'package.json': JSON.stringify({ name: 'storefront', dependencies: { express: '^4.21.0' } }),
      'src/banner.ts': "export function showBanner(message: string) {\n  console.log(`banner: ${message}`);\n}\n",
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-console-log')).files).toEqual(['src/banner.ts']);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'storefront', dependencies: { react: '^18.3.0', 'react-dom': '^18.3.0' } }));
    const after = await perFileScan(root, cache, 'no-console-log');
    expect(after.files).toEqual([]);
    expect(after.stats.checked).toBe(1);
  }, 60_000);

  it('walks request reach from scratch when the stored per-file answers are malformed', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const cold = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(cold.stats.reachWalked).toBe(4);
    // A files.json that parses but whose stored reach lost a file's answers (hand-edited, bit rot).
    const lines = readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
    const at = 2 + (JSON.parse(lines[1] as string) as { trees: number }).trees;
    const reach = JSON.parse(lines[at] as string) as { walked: Array<[string, string, { steps: unknown }]> };
    (reach.walked[0] as [string, string, { steps: unknown }])[2].steps = 'lost';
    lines[at] = JSON.stringify(reach);
    writeFileSync(join(cache, 'files.json'), lines.join('\n'));
    writeFileSync(join(root, 'src/audit.ts'), `${project['src/audit.ts']}\n// audit events are small\n`);
    const again = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(again.stdout).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
    expect(JSON.parse(again.stdout).errors).toEqual([]);
    expect(again.stats.reachWalked).toBe(4);
  }, 60_000);

  it('re-checks an importer when a re-export it imports through now leads elsewhere', async () => {
    // closeOrder imports sendReceipt from its module, refundOrder through a re-export: both reach the
    // same export, until the re-export points to a synchronous one.
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'orders-api', dependencies: { express: '^4.21.0' } }),
      'src/receipts/email.ts': "export async function sendReceipt(orderId: string) {\n  const res = await fetch(`${process.env.MAILER_URL}/receipts/${orderId}`, { method: 'POST' });\n  return res.status;\n}\n",
      'src/receipts/log.ts': 'export function sendReceipt(orderId: string) {\n  return orderId.length;\n}\n',
      'src/receipts/index.ts': "export { sendReceipt } from './email';\n",
      'src/orders/close.ts': "import { sendReceipt } from '../receipts/email';\n\nexport function closeOrder(orderId: string) {\n  sendReceipt(orderId);\n}\n",
      'src/orders/refund.ts': "import { sendReceipt } from '../receipts';\n\nexport function refundOrder(orderId: string) {\n  sendReceipt(orderId);\n}\n",
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual(['src/orders/close.ts', 'src/orders/refund.ts']);
    writeFileSync(join(root, 'src/receipts/index.ts'), "export { sendReceipt } from './log';\n");
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual(['src/orders/close.ts']);
  }, 60_000);

  it('re-checks a file whose import now resolves to another file, though neither its text nor what it read changed', async () => {
    // The job imports `./mailer`, which first resolves to the plain JavaScript stub; a TypeScript
    // mailer added beside it takes the specifier over, and its send() is async.
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'notifications-api', dependencies: { express: '^4.21.0' } }),
      'src/server.ts': "import express from 'express';\nimport { notifyOwners } from './jobs/notify';\n\nconst app = express();\napp.post('/notify', (_req, res) => {\n  notifyOwners();\n  res.sendStatus(202);\n});\napp.listen(3000);\n",
      'src/jobs/notify.ts': "import { send } from './mailer';\n\nexport function notifyOwners() {\n  send('owners@example.com');\n}\n",
      'src/jobs/mailer.js': 'exports.send = function send(to) {\n  return to;\n};\n',
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual([]);
    // The rules took each file's resolutions from its module facts: none is among their recorded reads.
    const storedTrees = storedLines(cache).trees.join('\n');
    expect(storedTrees).toContain('"lookupExport"');
    expect(storedTrees).not.toContain('"resolveImport"');
    writeFileSync(join(root, 'src/jobs/mailer.ts'), 'export async function send(to: string) {\n  await fetch(`https://mail.example.com/${to}`, { signal: AbortSignal.timeout(5000) });\n}\n');
    const after = await perFileScan(root, cache, 'no-floating-promise');
    expect(after.files).toEqual(['src/jobs/notify.ts']);
    // The new mailer, the job (its module facts were built again) and the server, which calls it.
    expect(after.stats.checked).toBe(3);
  }, 60_000);

  it('re-checks a file when whether a server loads it changes, and not the files whose answer stays', async () => {
    // The cleanup job schedules with node-cron; it is in-process scheduling only once the server loads
    // it. The job's file does not change: the server's import graph (the facts' `serverFiles()`,
    // computed once for all files) does.
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'billing-api', dependencies: { express: '^4.21.0', 'node-cron': '^3.0.3' } }),
      'src/server.ts': "import express from 'express';\n\nconst app = express();\napp.get('/health', (_req, res) => res.send('ok'));\napp.listen(3000);\n",
      'src/jobs/cleanup.ts': "import cron from 'node-cron';\n\nexport function startCleanup() {\n  cron.schedule('0 * * * *', () => console.info('cleanup'));\n}\n\nstartCleanup();\n",
      // Checked first: its rules compute the server's import graph that the job's rules then take.
      'src/jobs/archive.ts': 'export function archiveInvoices(total: number) {\n  return total * 2;\n}\n',
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-in-process-scheduler')).files).toEqual([]);
    writeFileSync(join(root, 'src/server.ts'), `import './jobs/cleanup';\n${readFileSync(join(root, 'src/server.ts'), 'utf8')}`);
    const after = await perFileScan(root, cache, 'no-in-process-scheduler');
    expect(after.files).toEqual(['src/jobs/cleanup.ts']);
    // The server, and the job, which the server loads now. The archive module's rules asked too, and
    // the server still does not load it: it is not checked again.
    expect(after.stats.checked).toBe(2);
  }, 60_000);

  it('re-checks the routes of a package when an import of a request validator is added or removed elsewhere in it', async () => {
    // require-input-validation asks once per package whether it imports a validator that checks every
    // request (express-openapi-validator): the routes file does not change, the shared answer does.
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'accounts-api', dependencies: { express: '^4.21.0', '@prisma/client': '^5.20.0', 'express-openapi-validator': '^5.3.7' } }),
      'src/app.ts': "import express from 'express';\nimport { accountsRouter } from './routes/accounts';\n\nexport const app = express();\napp.use(express.json());\napp.use('/accounts', accountsRouter);\n",
      'src/routes/accounts.ts': [
        "import { PrismaClient } from '@prisma/client';",
        "import { Router } from 'express';",
        '',
        'const prisma = new PrismaClient();',
        'export const accountsRouter = Router();',
        '',
        "accountsRouter.post('/', async (req, res) => {",
        '  res.status(201).json(await prisma.account.create({ data: req.body }));',
        '});',
        '',
      ].join('\n'),
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const app = readFileSync(join(root, 'src/app.ts'), 'utf8');
    expect((await perFileScan(root, cache, 'require-input-validation')).files).toEqual(['src/routes/accounts.ts']);
    const validated = app
      .replace("import express from 'express';", "import express from 'express';\nimport * as OpenApiValidator from 'express-openapi-validator';")
      .replace('app.use(express.json());', "app.use(express.json());\napp.use(OpenApiValidator.middleware({ apiSpec: './openapi.yaml', validateRequests: true }));");
    writeFileSync(join(root, 'src/app.ts'), validated);
    const added = await perFileScan(root, cache, 'require-input-validation');
    expect(added.files).toEqual([]);
    expect(added.stats.checked).toBe(2);
    writeFileSync(join(root, 'src/app.ts'), app);
    const removed = await perFileScan(root, cache, 'require-input-validation');
    expect(removed.files).toEqual(['src/routes/accounts.ts']);
    expect(removed.stats.checked).toBe(2);
  }, 60_000);

  it('writes back the entries a scan kept as the lines they were read from', async () => {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const scan = async () => {
      rmSync(join(cache, 'scan.json'), { force: true });
      return run([root, '--format', 'json', '--cache-location', cache]);
    };
    const linesNow = () => readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
    const first = await scan();
    const edit = (note: string) => writeFileSync(join(root, 'src/invoices.repository.ts'), `${project['src/invoices.repository.ts']}\n// ${note}\n`);
    // (A first edit may add to the reads: the changed file's rules read through a cached reach.)
    edit('rows are plain objects');
    await scan();
    const lines = linesNow();
    // A head, the readers, one tree of reads (one package), the stored reach, then one line per source file.
    expect(JSON.parse(lines[1] as string)).toMatchObject({ trees: 1 });
    expect(lines).toHaveLength(4 + Object.keys(project).filter((f) => f.endsWith('.ts')).length);
    const auditAt = lines.findIndex((l) => l.startsWith('["src/audit.ts",'));
    const repositoryAt = lines.findIndex((l) => l.startsWith('["src/invoices.repository.ts",'));
    expect(auditAt).toBeGreaterThan(3);
    // Marked with trailing white space (still the same JSON): a line encoded again would lose it.
    lines[auditAt] = `${lines[auditAt]} `;
    writeFileSync(join(cache, 'files.json'), lines.join('\n'));
    edit('ids are uuids');
    const second = await scan();
    expect(second.stats).toMatchObject({ checked: 1 });
    expect(second.stdout).toBe(first.stdout);
    const after = linesNow();
    expect(after[auditAt]).toBe(lines[auditAt]);
    expect(after[repositoryAt]).not.toBe(lines[repositoryAt]);
    expect(after[repositoryAt]?.startsWith('["src/invoices.repository.ts",')).toBe(true);
    // Nothing checked: the tree of reads (the checked file's replaced its old ones) is written back too.
    after[2] = `${after[2]} `;
    writeFileSync(join(cache, 'files.json'), after.join('\n'));
    expect((await scan()).stats).toMatchObject({ checked: 0 });
    expect(linesNow()[2]).toBe(after[2]);
  }, 60_000);

  it('writes its files in ASCII, and keeps the line of a file whose name is not', async () => {
    const root = writeProject({
      ...project,
      // A finding whose message has a dash and a quote outside ASCII, in a file with such a name,
      // which a route handler calls (so that request reach's stored walk names it too).
      'src/relatórios/exportação.ts': ['export function exportar(rows: string[]) {', "  console.log('exportação', rows.length);", '}', ''].join('\n'),
      'src/invoices.router.ts': project['src/invoices.router.ts'].replace("import { Router } from 'express';", "import { Router } from 'express';\nimport { exportar } from './relatórios/exportação';").replace('  res.json(invoice);', '  exportar([invoice]);\n  res.json(invoice);'),
    });
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const first = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(first.stdout).toContain('relatórios/exportação.ts');
    expect(first.stdout).toMatch(/[\u0080-\uffff]/);
    const ascii = (name: string) => /^[\x00-\x7f]*$/.test(readFileSync(join(cache, name), 'utf8'));
    expect(ascii('files.json')).toBe(true);
    expect(ascii('scan.json')).toBe(true);
    // The stored request reach walked it: its line names the file, escaped.
    const written = readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
    expect(written[2 + (JSON.parse(written[1] as string) as { trees: number }).trees]).toContain('relat\\u00f3rios/exporta\\u00e7\\u00e3o.ts');
    const lineOf = () => readFileSync(join(cache, 'files.json'), 'utf8').split('\n').find((l) => l.startsWith('["src/relat\\u00f3rios/exporta\\u00e7\\u00e3o.ts",'));
    // Marked with trailing white space (still the same JSON): a line encoded again would lose it.
    const lines = readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
    const at = lines.indexOf(lineOf() as string);
    expect(at).toBeGreaterThan(3);
    lines[at] = `${lines[at]} `;
    writeFileSync(join(cache, 'files.json'), lines.join('\n'));
    rmSync(join(cache, 'scan.json'));
    writeFileSync(join(root, 'src/invoices.repository.ts'), `${project['src/invoices.repository.ts']}\n// rows are plain objects\n`);
    const second = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(second.stdout).toBe((await run([root, '--format', 'json', '--no-cache'])).stdout);
    expect(lineOf()).toBe(lines[at]);
    expect(ascii('files.json')).toBe(true);
    expect(ascii('scan.json')).toBe(true);
  }, 60_000);

  /** The note a scan prints when files.json holds `content` of the lines it held (the whole-scan entry removed), and its exit code against a scan without the file. */
  async function noteFor(content: (written: string[]) => string) {
    const root = writeProject(project);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const first = await run([root, '--format', 'json', '--cache-location', cache]);
    rmSync(join(cache, 'scan.json'));
    writeFileSync(join(cache, 'files.json'), content(readFileSync(join(cache, 'files.json'), 'utf8').split('\n')));
    let stderr = '';
    const code = await main([root, '--format', 'json', '--cache-location', cache], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
    expect(code).toBe(first.code);
    return stderr.replace(join(cache, 'files.json'), 'CACHE/files.json');
  }

  it('ignores a per-file cache in an earlier layout with a note', async () => {
    expect(await noteFor(() => JSON.stringify({ format: 1, version: '0.1.0', key: 'k', reads: [], files: {} }))).toBe('prodcheck: cache CACHE/files.json was written by another prodcheck (0.1.0); scanning without it\n');
  }, 60_000);

  it('ignores a corrupt per-file cache with a note', async () => {
    expect(await noteFor(() => '{"format":2,"files":')).toBe('prodcheck: cache CACHE/files.json is corrupt; scanning without it\n');
    // The lines written, the last one cut short.
    expect(await noteFor((lines) => lines.join('\n').slice(0, -20))).toBe('prodcheck: cache CACHE/files.json is corrupt; scanning without it\n');
  }, 60_000);
});

describe('test files that nothing imports', () => {
  const shop = {
    // No test script: the unparsed test file is what tells require-tests the package has tests.
    'package.json': JSON.stringify({ name: 'orders-api', scripts: { start: 'node dist/server.js' }, dependencies: { express: '^4.21.0' } }),
    'src/server.ts': ["import express from 'express';", "import { nightly } from './jobs/nightly';", '', 'const app = express();', "app.post('/jobs/nightly', (_req, res) => {", '  nightly();', '  res.sendStatus(202);', '});', 'app.listen(3000);', ''].join('\n'),
    'src/jobs/nightly.ts': ["import { waitForLedger } from '../testing/ledger';", '', 'export function nightly() {', '  waitForLedger();', '}', ''].join('\n'),
    // A helper under a test directory that server code imports: parsed, and its async export known.
    'src/testing/ledger.ts': ["export async function waitForLedger(): Promise<void> {", "  const res = await fetch('http://ledger.internal/ready');", "  if (!res.ok) throw new Error('ledger not ready');", '}', ''].join('\n'),
    // A test that does not parse, and a mock nothing imports: neither parsed nor reported.
    'test/orders.test.ts': ["import { describe, it } from 'vitest';", '', "describe('orders', () => {", "  it('lists orders', () => {", ''].join('\n'),
    'src/__mocks__/mailer.ts': ['export function send(to: string) {', '  return to.length;', '}', ''].join('\n'),
    // A suppression comment is read in any file: its rule ids are checked.
    'test/setup.ts': ['// prodcheck-disable-next-line no-such-rule', 'export const timeoutMs = 5000;', ''].join('\n'),
    // Reached only through forms other than an import declaration: parsed, and what they export known.
    'src/jobs/reports.ts': [
      "import billing = require('../testing/billing');",
      '',
      'export async function monthly() {',
      '  const { refreshLedger } = await import(`../testing/refresh`);',
      '  refreshLedger();',
      '  billing.closePeriod();',
      '}',
      '',
    ].join('\n'),
    'src/testing/refresh.ts': ["export async function refreshLedger(): Promise<void> {", "  await fetch('http://ledger.internal/refresh', { method: 'POST' });", '}', ''].join('\n'),
    'src/testing/billing.ts': ["export async function closePeriod(): Promise<void> {", "  await fetch('http://billing.internal/close', { method: 'POST' });", '}', ''].join('\n'),
  };

  it('are listed but not parsed, unless a file taken in imports them or they carry a suppression', async () => {
    const root = writeProject(shop);
    const { code, stdout, stats } = await run([root, '--format', 'json', '--no-cache']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { summary: { files: number }; errors: unknown[]; findings: Array<{ ruleId: string; file: string; line: number; column: number }> };
    expect(report.summary.files).toBe(9);
    expect(stats).toMatchObject({ parsed: 7, unparsed: 2 });
    expect(report.errors).toEqual([{ file: 'test/setup.ts', message: '1:1 unknown rule id "no-such-rule" in prodcheck-disable-next-line' }]);
    expect(report.findings.filter((f) => f.ruleId === 'no-floating-promise').map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['src/jobs/nightly.ts:4:3', 'src/jobs/reports.ts:5:3', 'src/jobs/reports.ts:6:3']);
    // The unparsed test file still counts as the package's tests.
    expect(report.findings.filter((f) => f.ruleId === 'require-tests')).toEqual([]);
  }, 60_000);

  it('are taken in when a change imports them, and the cached report equals an uncached one', async () => {
    const root = writeProject(shop);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const errorsOf = (stdout: string) => (JSON.parse(stdout) as { errors: Array<{ file: string }> }).errors.map((e) => e.file);
    const cold = await perFileScan(root, cache, 'no-floating-promise');
    expect(cold.stats).toMatchObject({ parsed: 7, unparsed: 2 });

    // A test left unparsed gains a suppression comment: it is read now (its cached entry is by content).
    writeFileSync(join(root, 'src/__mocks__/mailer.ts'), `// prodcheck-disable-next-line no-such-check\n${shop['src/__mocks__/mailer.ts']}`);
    await perFileScan(root, cache, 'no-floating-promise');
    expect(errorsOf((await run([root, '--format', 'json', '--cache-location', cache])).stdout)).toEqual(['src/__mocks__/mailer.ts', 'test/setup.ts']);
    writeFileSync(join(root, 'src/__mocks__/mailer.ts'), shop['src/__mocks__/mailer.ts']);
    expect((await perFileScan(root, cache, 'no-floating-promise')).stats).toMatchObject({ unparsed: 2 });

    // Server code starts using the mock: it is parsed now (checked: it and the job. The server reads
    // the job's exports, and the other job's rules ask whether a server loads it: what they read
    // reads the same).
    writeFileSync(join(root, 'src/jobs/nightly.ts'), `import { send } from '../__mocks__/mailer';\n${shop['src/jobs/nightly.ts']}export const notify = () => send('ops@example.com');\n`);
    const imported = await perFileScan(root, cache, 'no-floating-promise');
    expect(imported.stats).toMatchObject({ unparsed: 1, checked: 2 });

    // The mock breaks: its syntax error is reported, and the import resolves as if it were not there.
    writeFileSync(join(root, 'src/__mocks__/mailer.ts'), 'export function send(to: string {\n');
    const broken = await perFileScan(root, cache, 'no-floating-promise');
    expect(broken.stats).toMatchObject({ unparsed: 1 });
    expect(errorsOf((await run([root, '--format', 'json', '--cache-location', cache])).stdout)).toEqual(['src/__mocks__/mailer.ts', 'test/setup.ts']);

    // Nothing imports it any more: it is left alone again, error and all.
    writeFileSync(join(root, 'src/jobs/nightly.ts'), shop['src/jobs/nightly.ts']);
    const dropped = await perFileScan(root, cache, 'no-floating-promise');
    expect(dropped.stats).toMatchObject({ unparsed: 2 });
    expect(dropped.files).toEqual(['src/jobs/nightly.ts', 'src/jobs/reports.ts', 'src/jobs/reports.ts']);
    expect(errorsOf((await run([root, '--format', 'json', '--cache-location', cache])).stdout)).toEqual(['test/setup.ts']);

    // Imported again while its cached entry says it was left unparsed, and still broken: parsed, reported.
    writeFileSync(join(root, 'src/jobs/nightly.ts'), `import { send } from '../__mocks__/mailer';\n${shop['src/jobs/nightly.ts']}export const notify = () => send('ops@example.com');\n`);
    const again = await perFileScan(root, cache, 'no-floating-promise');
    expect(again.stats).toMatchObject({ unparsed: 1 });
    expect(errorsOf((await run([root, '--format', 'json', '--cache-location', cache])).stdout)).toEqual(['src/__mocks__/mailer.ts', 'test/setup.ts']);
  }, 120_000);
});

describe('taint summaries', () => {
  const files = {
    'package.json': JSON.stringify({ name: 'reports-api', dependencies: { express: '^4.21.0' } }),
    'src/server.ts': ["import express from 'express';", "import { reportsRouter } from './reports.router';", '', 'const app = express();', "app.use('/reports', reportsRouter);", 'app.listen(3000);', ''].join('\n'),
    'src/reports.router.ts': [
      "import { Router } from 'express';",
      "import { readReport } from './reports.service';",
      "import { formatTitle } from './format';",
      '',
      'export const reportsRouter = Router();',
      "reportsRouter.get('/:name', async (req, res) => {",
      '  const report = await readReport(req.query.name as string);',
      '  res.json({ title: formatTitle(req.query.name as string), report });',
      '});',
      '',
    ].join('\n'),
    'src/reports.service.ts': [
      "import { readFile } from 'node:fs/promises';",
      "import { join } from 'node:path';",
      '',
      'export async function readReport(name: string) {',
      "  const path = join('/var/reports', name);",
      "  await readFile(path, 'utf8');",
      '  return path;',
      '}',
      '',
    ].join('\n'),
    'src/format.ts': ['export function formatTitle(text: string) {', '  return text.slice(0, 80);', '}', ''].join('\n'),
  };
  const entries = (cache: string) => new Map(readFileSync(join(cache, 'files.json'), 'utf8').split('\n').slice(1).map((line) => JSON.parse(line) as unknown).filter((v): v is [string, { summaries?: Record<string, unknown> }] => Array.isArray(v)));

  it('are computed for the files a handler calls into, kept with their entries, and used while they hold', async () => {
    const root = writeProject(files);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    const cold = await perFileScan(root, cache, 'no-path-traversal');
    expect(cold.files).toEqual(['src/reports.router.ts']);
    // The router's rules read each summary as one answer (the facts mark it read whole): its JSON
    // is stored without the traces, which are recorded read by read (the router reports through
    // the sink's trace: every field of each step is read).
    type Stored = { s: { c?: string; p?: string; keys?: 1 }; v?: string; c?: Stored[] };
    const summarySteps: Stored[] = [];
    const collect = (node: Stored): void => {
      if (node.s.c === 'taintSummary') summarySteps.push(node);
      for (const child of node.c ?? []) collect(child);
    };
    for (const line of storedLines(cache).trees) collect(JSON.parse(line) as Stored);
    const leaves = (node: Stored, path: string): string[] => (node.c ?? []).flatMap((c) => (c.c ? leaves(c, `${path}.${c.s.p ?? 'keys'}`) : [`${path}.${c.s.p ?? 'keys'}`]));
    expect(summarySteps.map((n) => ({ s: n.s, v: n.v, below: leaves(n, '') }))).toEqual([
      {
        s: { c: 'taintSummary', a: [join(root, 'src/reports.service.ts'), 'readReport', 0], w: ['trace'] },
        v: '{"sinks":[{"kind":"path","sink":"fs.readFile","cleared":[],"trace":"A"}],"calls":[],"returns":{"cleared":[],"trace":"A"}}',
        // The return value's trace is spread into the caller's (its steps are taken, not read).
        below: ['.sinks.0.trace.length', ...[0, 1, 2].flatMap((i) => ['keys', 'file', 'line', 'what'].map((f) => `.sinks.0.trace.${i}.${f}`)), '.returns.trace.length', '.returns.trace.0', '.returns.trace.1', '.returns.trace.2'],
      },
      { s: { c: 'taintSummary', a: [join(root, 'src/format.ts'), 'formatTitle', 0], w: ['trace'] }, v: 'u', below: [] },
    ]);
    // The files the handler passes request input into, and only those (nothing of formatTitle's parameter reaches anything).
    expect([...entries(cache)].filter(([, e]) => e.summaries).map(([rel, e]) => [rel, Object.keys(e.summaries ?? {})])).toEqual([
      ['src/format.ts', []],
      ['src/reports.service.ts', ['readReport']],
    ]);

    // Another file changes: the router's reads of the stored summaries read the same (a computed
    // summary is plain JSON, as a stored one: no trace step shared by two traces).
    writeFileSync(join(root, 'src/format.ts'), `${files['src/format.ts']}// titles are short\n`);
    expect((await perFileScan(root, cache, 'no-path-traversal')).stats).toMatchObject({ checked: 1, parsed: 1 });

    // The router changes: checked again, with the stored summaries (neither file parsed for them).
    const edit = (line: string) => writeFileSync(join(root, 'src/reports.router.ts'), `${files['src/reports.router.ts']}// ${line}\n`);
    edit('names are slugs');
    const withStored = await perFileScan(root, cache, 'no-path-traversal');
    expect(withStored.files).toEqual(['src/reports.router.ts']);
    expect(withStored.stats).toMatchObject({ checked: 1 });
    // The same change with the summaries taken out of the cache: the two files are parsed for them, and they are stored again.
    const lines = readFileSync(join(cache, 'files.json'), 'utf8').split('\n');
    const withoutSummaries = (line: string) => {
      const item = JSON.parse(line) as unknown;
      if (!Array.isArray(item) || typeof item[1] !== 'object') return line;
      delete (item[1] as { summaries?: unknown }).summaries;
      return JSON.stringify(item);
    };
    writeFileSync(join(cache, 'files.json'), lines.map(withoutSummaries).join('\n'));
    expect([...entries(cache)].filter(([, e]) => e.summaries)).toEqual([]);
    edit('names are file names');
    const computed = await perFileScan(root, cache, 'no-path-traversal');
    expect(computed.files).toEqual(['src/reports.router.ts']);
    expect(computed.stats).toMatchObject({ checked: 1, parsed: (withStored.stats.parsed ?? 0) + 2 });
    expect([...entries(cache)].filter(([, e]) => e.summaries).map(([rel]) => rel)).toEqual(['src/format.ts', 'src/reports.service.ts']);

    // Stored summaries not in their shape are computed again, not followed.
    const malformed = (line: string) => {
      const item = JSON.parse(line) as unknown;
      if (!Array.isArray(item) || item[0] !== 'src/reports.service.ts') return line;
      (item[1] as { summaries?: unknown }).summaries = { readReport: { 0: {} } };
      return JSON.stringify(item);
    };
    writeFileSync(join(cache, 'files.json'), readFileSync(join(cache, 'files.json'), 'utf8').split('\n').map(malformed).join('\n'));
    edit('names are checked by the service');
    const recomputed = await perFileScan(root, cache, 'no-path-traversal');
    expect(recomputed.files).toEqual(['src/reports.router.ts']);
    expect(recomputed.stats).toMatchObject({ checked: 1, parsed: (withStored.stats.parsed ?? 0) + 1 });

    // The service stops reaching the file system with the name: the router is checked again, and its finding goes.
    writeFileSync(join(root, 'src/reports.service.ts'), files['src/reports.service.ts'].replace("await readFile(path, 'utf8');", "await readFile('/var/reports/latest.json', 'utf8');"));
    const fixed = await perFileScan(root, cache, 'no-path-traversal');
    expect(fixed.files).toEqual([]);
    expect(fixed.stats).toMatchObject({ checked: 2 });
  }, 120_000);
});

describe('shared answers computed again', () => {
  it('keep the uses of a file checked again, so that a later change to what they read re-checks it', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'orders-service', dependencies: { '@nestjs/common': '^10.4.1', '@nestjs/core': '^10.4.1', 'class-validator': '^0.14.1' } }),
      'src/main.ts': [
        "import { ValidationPipe } from '@nestjs/common';",
        "import { NestFactory } from '@nestjs/core';",
        "import { AppModule } from './app.module';",
        '',
        'async function bootstrap() {',
        '  const app = await NestFactory.create(AppModule);',
        '  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));',
        '  await app.listen(3000);',
        '}',
        'void bootstrap();',
        '',
      ].join('\n'),
      'src/app.module.ts': ["import { Module } from '@nestjs/common';", "import { OrdersController } from './orders/orders.controller';", '', '@Module({ controllers: [OrdersController] })', 'export class AppModule {}', ''].join('\n'),
      'src/orders/orders.service.ts': ["import { Injectable } from '@nestjs/common';", '', '@Injectable()', 'export class OrdersService {', '  async create(dto: { customerId: string }) {', "    return { id: 'ord_1', ...dto };", '  }', '}', ''].join('\n'),
      'src/orders/orders.controller.ts': [
        "import { Body, Controller, Post } from '@nestjs/common';",
        "import { IsString } from 'class-validator';",
        "import { OrdersService } from './orders.service';",
        '',
        'export class CreateOrderDto {',
        '  @IsString()',
        '  customerId!: string;',
        '}',
        '',
        "@Controller('orders')",
        'export class OrdersController {',
        '  constructor(private readonly ordersService: OrdersService) {}',
        '',
        '  @Post()',
        '  create(@Body() dto: CreateOrderDto) {',
        '    return this.ordersService.create(dto);',
        '  }',
        '}',
        '',
      ].join('\n'),
    };
    const root = writeProject(files);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'require-input-validation')).files).toEqual([]);
    // The controller is checked again: the global-pipe answer is computed again and reads the same.
    writeFileSync(join(root, 'src/orders/orders.controller.ts'), `${files['src/orders/orders.controller.ts']}// orders are created by the checkout flow\n`);
    const again = await perFileScan(root, cache, 'require-input-validation');
    expect(again.stats.checked).toBe(1);
    expect(again.files).toEqual([]);
    // The pipe goes: the controller, which used that answer, is checked again and now flagged.
    writeFileSync(join(root, 'src/main.ts'), files['src/main.ts'].replace('  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));\n', ''));
    const unpiped = await perFileScan(root, cache, 'require-input-validation');
    expect(unpiped.files).toEqual(['src/orders/orders.controller.ts']);
    expect(unpiped.stats.checked).toBe(2);
  }, 120_000);
});

describe('the project shape', () => {
  it('is read again when a tsconfig mapping changes', async () => {
    const files = {
      'package.json': JSON.stringify({ name: 'ledger-api', dependencies: { express: '^4.21.0' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@ledger/*': ['src/ledger/*'] } } }),
      'src/server.ts': ["import express from 'express';", "import { postEntry } from '@ledger/entries';", '', 'const app = express();', "app.post('/entries', (req, res) => {", '  postEntry(String(req.body.account));', '  res.sendStatus(202);', '});', 'app.listen(3000);', ''].join('\n'),
      'src/ledger/entries.ts': ['export async function postEntry(account: string): Promise<void> {', "  await fetch(`http://ledger.internal/${encodeURIComponent(account)}`, { method: 'POST', signal: AbortSignal.timeout(3000) });", '}', ''].join('\n'),
      'src/legacy/entries.ts': ['export function postEntry(account: string): number {', '  return account.length;', '}', ''].join('\n'),
    };
    const root = writeProject(files);
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-file-cache-'));
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual(['src/server.ts']);
    // A source change only: the alias still leads to the async export.
    writeFileSync(join(root, 'src/server.ts'), `${files['src/server.ts']}// entries are posted by the bank feed\n`);
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual(['src/server.ts']);
    // The mapping now leads to the synchronous module.
    writeFileSync(join(root, 'tsconfig.json'), files['tsconfig.json'].replace('src/ledger/*', 'src/legacy/*'));
    writeFileSync(join(root, 'src/server.ts'), files['src/server.ts']);
    expect((await perFileScan(root, cache, 'no-floating-promise')).files).toEqual([]);
  }, 120_000);
});
