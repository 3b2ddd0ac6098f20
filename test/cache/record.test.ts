// The recorder behind the per-file cache: what the rules read from the facts is kept as a tree of
// steps, survives JSON, and replays true exactly when every recorded read gives the same value.
import { describe, expect, it } from 'vitest';
import { combineReads, FactsRecorder, mergeReads, NO_READS, replay, staleReaders, type FileReads, type Reads } from '../../src/cache/record.js';
import { readWhole } from '../../src/project/memo.js';

interface ExportInfo {
  async: boolean;
  line: number;
}

/** A small stand-in for the project facts: a Map of modules, a Set, and a lookup method. */
function facts(exports: Record<string, Record<string, ExportInfo>>, roles: string[] = ['server']) {
  const modules = new Map(Object.entries(exports).map(([path, named]) => [path, { path, exports: new Map(Object.entries(named)) }]));
  return {
    modules,
    roles: new Set(roles),
    lookupExport(file: string, name: string) {
      const info = modules.get(file)?.exports.get(name);
      return info ? { file, info } : undefined;
    },
    packageOf(file: { path: string }) {
      return file.path.startsWith('/repo/packages/api') ? 'api' : 'root';
    },
  };
}

const BASE = {
  '/repo/src/orders.service.ts': { createOrder: { async: true, line: 12 }, ORDER_LIMIT: { async: false, line: 3 } },
  '/repo/src/payments.client.ts': { charge: { async: true, line: 40 } },
};

/** What a rule might read: one export's async flag through a call, a module's export names, a role. */
function readLikeARule(view: ReturnType<typeof facts>) {
  const found = view.lookupExport('/repo/src/orders.service.ts', 'createOrder');
  const names = [...(view.modules.get('/repo/src/payments.client.ts')?.exports.keys() ?? [])];
  return { async: found?.info.async, names, server: view.roles.has('server') };
}

/** The value recorded at the first call of `taintSummary('readReport')` made through a recorder. */
function recordedWith(make: () => { taintSummary: (key: string) => unknown }): string | undefined {
  const recorder = new FactsRecorder();
  recorder.readingFor('src/reports.router.ts');
  recorder.wrap(make(), '#').taintSummary('readReport');
  return recorder.fileReads().tree[0]?.c?.[0]?.v;
}

function recorded(f: ReturnType<typeof facts>, read: (view: ReturnType<typeof facts>) => unknown = readLikeARule): Reads {
  const recorder = new FactsRecorder();
  read(recorder.wrap(f, '#'));
  // Stored as JSON in files.json.
  return JSON.parse(JSON.stringify(recorder.result())) as Reads;
}

describe('FactsRecorder and replay', () => {
  it('gives the rules the same answers through the proxy', () => {
    const recorder = new FactsRecorder();
    expect(readLikeARule(recorder.wrap(facts(BASE), '#'))).toEqual({ async: true, names: ['charge'], server: true });
  });

  it('replays true on the same facts and on facts that differ only where nothing was read', () => {
    const reads = recorded(facts(BASE));
    expect(replay(() => facts(BASE), reads)).toBe(true);
    // A line number moved and another export added in a module whose exports were not listed.
    const moved = { ...BASE, '/repo/src/orders.service.ts': { createOrder: { async: true, line: 30 }, ORDER_LIMIT: { async: false, line: 3 }, cancelOrder: { async: true, line: 50 } } };
    expect(replay(() => facts(moved), reads)).toBe(true);
  });

  it('replays false when a value read through a call, a map key list or a set membership changed', () => {
    const reads = recorded(facts(BASE));
    const notAsync = { ...BASE, '/repo/src/orders.service.ts': { createOrder: { async: false, line: 12 } } };
    expect(replay(() => facts(notAsync), reads)).toBe(false);
    const newExport = { ...BASE, '/repo/src/payments.client.ts': { charge: { async: true, line: 40 }, refund: { async: true, line: 60 } } };
    expect(replay(() => facts(newExport), reads)).toBe(false);
    expect(replay(() => facts(BASE, ['worker']), reads)).toBe(false);
    const removed = { '/repo/src/payments.client.ts': BASE['/repo/src/payments.client.ts'] };
    expect(replay(() => facts(removed), reads)).toBe(false);
  });

  it('asks a call with plain arguments and a plain answer once, and keeps every reader of it', () => {
    let asked = 0;
    const base = {
      dependencyRange(name: string) {
        asked++;
        return name === 'express' ? '^4.21.0' : undefined;
      },
    };
    const recorder = new FactsRecorder();
    const view = recorder.wrap(base, '#');
    recorder.readingFor('src/app.ts');
    expect(view.dependencyRange('express')).toBe('^4.21.0');
    recorder.readingFor('src/server.ts');
    expect(view.dependencyRange('express')).toBe('^4.21.0');
    expect(view.dependencyRange('fastify')).toBeUndefined();
    expect(view.dependencyRange('fastify')).toBeUndefined();
    expect(asked).toBe(2);
    const reads = recorder.fileReads();
    // Both files read the answer: a change to it makes both stale.
    expect([...staleReaders(() => ({ dependencyRange: () => '^5.0.0' }), reads)].sort()).toEqual(['src/app.ts', 'src/server.ts']);
    expect([...staleReaders(() => ({ dependencyRange: (n: string) => (n === 'express' ? '^4.21.0' : '^5.0.0') }), reads)]).toEqual(['src/server.ts']);
  });

  it('records an answer marked as read whole as one read of its JSON, and hands the rules the answer itself', () => {
    type Summary = { sinks: Array<{ kind: string; trace: Array<{ file: string; line: number }> }> };
    const summaries = (line: number): Record<string, Summary> => ({ readReport: { sinks: [{ kind: 'path', trace: [{ file: 'src/reports.service.ts', line }] }] } });
    const base = (line: number) => {
      const known = summaries(line);
      return { known, taintSummary: readWhole((key: string) => known[key]) };
    };
    const raw = base(5);
    const recorder = new FactsRecorder();
    const view = recorder.wrap(raw, '#');
    recorder.readingFor('src/reports.router.ts');
    const answer = view.taintSummary('readReport');
    // The object itself, not a recording proxy: what the rule reads from it is not recorded again.
    expect(answer).toBe(raw.known.readReport);
    expect(answer?.sinks[0]?.trace[0]?.line).toBe(5);
    expect(view.taintSummary('readReport')).toBe(answer);
    recorder.readingFor('src/admin.router.ts');
    expect(view.taintSummary('purgeReports')).toBeUndefined();
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    expect(reads.tree).toEqual([
      {
        s: { p: '#' },
        v: 'O',
        c: [
          { s: { c: 'taintSummary', a: ['readReport'], w: 1 }, v: JSON.stringify(raw.known.readReport), r: [0] },
          { s: { c: 'taintSummary', a: ['purgeReports'], w: 1 }, v: 'u', r: [1] },
        ],
      },
    ]);
    expect(replay(() => base(5), reads.tree)).toBe(true);
    // A change deep in the answer (a trace step's line) is a change of the answer.
    expect(replay(() => base(6), reads.tree)).toBe(false);
    expect([...staleReaders(() => base(6), reads)]).toEqual(['src/reports.router.ts']);
  });

  it('records what is under a followed key of an answer read whole read by read, and leaves it out of the answer\u2019s JSON', () => {
    type Step = { file: string; line: number };
    const base = (trace: Step[]) => {
      const known = { readReport: { sinks: [{ kind: 'path', trace }] } };
      return { taintSummary: readWhole((key: string) => known[key as 'readReport'], ['trace']) };
    };
    const steps = (line: number, count = 2): Step[] => Array.from({ length: count }, (_, i) => ({ file: 'src/reports.service.ts', line: line + i }));
    const recorder = new FactsRecorder();
    const view = recorder.wrap(base(steps(4)), '#');
    // The router spreads the trace into its own (its length and items); the admin router reports
    // through it (each step's line).
    recorder.readingFor('src/reports.router.ts');
    const spread = [...(view.taintSummary('readReport')?.sinks[0]?.trace ?? [])];
    expect(spread).toHaveLength(2);
    recorder.readingFor('src/admin.router.ts');
    expect(view.taintSummary('readReport')?.sinks[0]?.trace.map((s) => s.line)).toEqual([4, 5]);
    recorder.readingFor(null);
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    // Both readers asked (the second took the answer kept at the call); the trace is its kind.
    expect(reads.tree[0]?.c?.[0]).toMatchObject({ s: { c: 'taintSummary', a: ['readReport'], w: ['trace'] }, v: '{"sinks":[{"kind":"path","trace":"A"}]}', r: [0, 1] });
    expect([...staleReaders(() => base(steps(4)), reads)]).toEqual([]);
    // The callee moved down a line: only the reader of the lines is stale.
    expect([...staleReaders(() => base(steps(5)), reads)]).toEqual(['src/admin.router.ts']);
    // A step more: both.
    expect([...staleReaders(() => base(steps(4, 3)), reads)].sort()).toEqual(['src/admin.router.ts', 'src/reports.router.ts']);
    // The trace gone, or no longer a list: the answer changed, for both.
    const reshaped = (trace: unknown) => ({ taintSummary: readWhole(() => ({ sinks: [{ kind: 'path', ...(trace === undefined ? {} : { trace }) }] }), ['trace']) });
    expect([...staleReaders(() => reshaped(undefined), reads)].sort()).toEqual(['src/admin.router.ts', 'src/reports.router.ts']);
    expect([...staleReaders(() => reshaped({ 0: steps(4)[0], 1: steps(4)[1] }), reads)].sort()).toEqual(['src/admin.router.ts', 'src/reports.router.ts']);
    // A plain value under a followed key is part of the answer's JSON.
    expect(recordedWith(() => reshaped(null))).toBe('{"sinks":[{"kind":"path","trace":null}]}');
  });

  it('follows an object two answers read whole share at each answer\u2019s place, each reader under its own', () => {
    type Step = { file: string; line: number };
    // One summary asked from two packages' facts: the same trace object in both answers.
    const base = (shared: Step[], own?: Step[]) => {
      const known: Record<string, { sinks: Array<{ kind: string; trace: Step[] }> }> = { a: { sinks: [{ kind: 'path', trace: shared }] }, b: { sinks: [{ kind: 'path', trace: own ?? shared }] } };
      return { taintSummary: readWhole((key: string) => known[key], ['trace']) };
    };
    const trace = [{ file: 'src/files.service.ts', line: 7 }];
    const recorder = new FactsRecorder();
    const view = recorder.wrap(base(trace), '#');
    recorder.readingFor('src/a.router.ts');
    expect(view.taintSummary('a')?.sinks[0]?.trace[0]?.line).toBe(7);
    recorder.readingFor('src/b.router.ts');
    expect(view.taintSummary('b')?.sinks[0]?.trace[0]?.line).toBe(7);
    recorder.readingFor(null);
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    expect([...staleReaders(() => base(trace), reads)]).toEqual([]);
    // b's trace is its own now, a step lower: b's reader only.
    expect([...staleReaders(() => base(trace, [{ file: 'src/files.service.ts', line: 8 }]), reads)]).toEqual(['src/b.router.ts']);
    // Merged with another thread's reads of the same answer: one node, both readers.
    const other = new FactsRecorder();
    const otherView = other.wrap(base(trace), '#');
    other.readingFor('src/c.router.ts');
    expect(otherView.taintSummary('a')?.sinks[0]?.trace[0]?.line).toBe(7);
    const merged = combineReads(reads, JSON.parse(JSON.stringify(other.fileReads())) as FileReads);
    expect(merged.tree[0]?.c?.filter((n) => 'c' in n.s && n.s.c === 'taintSummary')).toHaveLength(2);
    expect([...staleReaders(() => base([{ file: 'src/files.service.ts', line: 9 }]), merged)].sort()).toEqual(['src/a.router.ts', 'src/b.router.ts', 'src/c.router.ts']);
  });

  it('keeps a Map entry read and a has() of the same key as two reads', () => {
    const base = (has: boolean) => ({ limits: new Map<string, number | undefined>(has ? [['orders', undefined]] : []) });
    const recorder = new FactsRecorder();
    const view = recorder.wrap(base(true), '#');
    recorder.readingFor('src/orders.controller.ts');
    expect(view.limits.get('orders')).toBeUndefined();
    recorder.readingFor('src/limits.ts');
    expect(view.limits.has('orders')).toBe(true);
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    // The entry still reads undefined without the key; only has() tells.
    expect([...staleReaders(() => base(false), reads)]).toEqual(['src/limits.ts']);
  });

  it('replays false when the facts a root names are gone', () => {
    expect(replay(() => undefined, recorded(facts(BASE)))).toBe(false);
  });

  it('replays a call whose argument is itself a value read from the facts', () => {
    const read = (view: ReturnType<typeof facts>) => view.packageOf(view.modules.get('/repo/src/orders.service.ts') as { path: string });
    const reads = recorded(facts(BASE), read);
    expect(JSON.stringify(reads)).toContain('"$path"');
    expect(replay(() => facts(BASE), reads)).toBe(true);
    const elsewhere = { '/repo/src/payments.client.ts': BASE['/repo/src/payments.client.ts'] };
    expect(replay(() => facts(elsewhere), reads)).toBe(false);
  });

  it('does not read again below an object known to read as it did (a module reused from the cache)', () => {
    const reads = recorded(facts(BASE));
    const changed = facts({ ...BASE, '/repo/src/payments.client.ts': { charge: { async: true, line: 40 }, refund: { async: true, line: 60 } } });
    expect(replay(() => changed, reads)).toBe(false);
    const payments = changed.modules.get('/repo/src/payments.client.ts');
    expect(replay(() => changed, reads, (value) => value === payments)).toBe(true);
    // Reads outside the settled object are still compared.
    expect(replay(() => facts({ ...BASE, '/repo/src/orders.service.ts': { createOrder: { async: false, line: 12 } } }), reads, (value) => value === payments)).toBe(false);
  });

  it('writes each step once however many reads pass through it', () => {
    const reads = recorded(facts(BASE), (view) => {
      for (let i = 0; i < 50; i++) view.lookupExport('/repo/src/orders.service.ts', 'createOrder')?.info.async;
    });
    expect(reads).toEqual([
      {
        s: { p: '#' },
        v: 'O',
        c: [{ s: { c: 'lookupExport', a: ['/repo/src/orders.service.ts', 'createOrder'] }, v: 'O', c: [{ s: { p: 'info' }, v: 'O', c: [{ s: { p: 'async' }, v: 'true' }] }] }],
      },
    ]);
  });

  it('records an array iterated with for-of as the built-in iterator reads it: the length before each step, then the item', () => {
    const routes = { routes: [{ path: '/orders' }, { path: '/payments' }, { path: '/refunds' }] };
    const stopAtPayments = recorded(routes as never, (view) => {
      for (const r of (view as unknown as typeof routes).routes) if (r.path === '/payments') break;
    });
    // The same reads made one by one through the proxy's traps.
    const byIndex = recorded(routes as never, (view) => {
      const list = (view as unknown as typeof routes).routes;
      for (let i = 0; i < list.length; i++) if ((list[i] as { path: string }).path === '/payments') break;
    });
    expect(stopAtPayments).toEqual(byIndex);
    expect(stopAtPayments).toEqual([
      {
        s: { p: '#' },
        v: 'O',
        c: [
          {
            s: { p: 'routes' },
            v: 'A',
            c: [
              { s: { p: 'length' }, v: '3' },
              { s: { p: '0' }, v: 'O', c: [{ s: { p: 'path' }, v: '"/orders"' }] },
              { s: { p: '1' }, v: 'O', c: [{ s: { p: 'path' }, v: '"/payments"' }] },
            ],
          },
        ],
      },
    ]);
    // Spread reads every item, and the iterator reads the same values as the array's own.
    const all = new FactsRecorder();
    const view = all.wrap(routes, '#');
    expect([...view.routes].map((r) => r.path)).toEqual(['/orders', '/payments', '/refunds']);
    const [first, ...rest] = view.routes;
    expect([first?.path, rest.length]).toEqual(['/orders', 2]);
    // Called on another array, the proxy's iterator is the built-in one.
    const builtIn = view.routes[Symbol.iterator] as (this: unknown) => Iterator<unknown>;
    expect(Array.from({ [Symbol.iterator]: () => builtIn.call(['/health']) })).toEqual(['/health']);
  });

  it('records the other ways of iterating an array as the built-in iterator would: function items unrecorded, nothing read before the first step', () => {
    const hooks = { hooks: [() => 'closed', { name: 'drain' }] };
    const viaForOf = recorded(hooks as never, (view) => {
      for (const h of (view as unknown as typeof hooks).hooks) if (typeof h !== 'function') void h.name;
    });
    const byIndex = recorded(hooks as never, (view) => {
      const list = (view as unknown as typeof hooks).hooks;
      for (let i = 0; i < list.length; i++) {
        const h = list[i];
        if (typeof h !== 'function') void h?.name;
      }
    });
    expect(viaForOf).toEqual(byIndex);
    expect(JSON.stringify(viaForOf)).not.toContain('"v":"f"');
    // An iterator taken and closed before its first step (an empty destructuring pattern) reads nothing.
    const routes = { routes: [{ path: '/orders' }], version: 2 };
    const closedEarly = recorded(routes as never, (view) => {
      const v = view as unknown as typeof routes;
      const [] = v.routes;
      return [v.version, v.routes[0]?.path, v.routes.length];
    });
    const direct = recorded(routes as never, (view) => {
      const v = view as unknown as typeof routes;
      void v.routes;
      return [v.version, v.routes[0]?.path, v.routes.length];
    });
    expect(JSON.stringify(closedEarly)).toBe(JSON.stringify(direct));
  });

  it('hands out one recording wrapper per method read (a rule may keep it), and records each call made through it', () => {
    const recorder = new FactsRecorder();
    const view = recorder.wrap(facts(BASE), '#');
    const lookup = view.lookupExport;
    expect(view.lookupExport).toBe(lookup);
    expect(lookup('/repo/src/payments.client.ts', 'charge')?.info.async).toBe(true);
    expect(JSON.parse(JSON.stringify(recorder.result()))).toEqual([
      {
        s: { p: '#' },
        v: 'O',
        c: [{ s: { c: 'lookupExport', a: ['/repo/src/payments.client.ts', 'charge'] }, v: 'O', c: [{ s: { p: 'info' }, v: 'O', c: [{ s: { p: 'async' }, v: 'true' }] }] }],
      },
    ]);
  });

  it('merges two scans\u2019 reads into one tree, keeping every read of both', () => {
    const a = recorded(facts(BASE), (view) => view.lookupExport('/repo/src/orders.service.ts', 'createOrder')?.info.async);
    const b = recorded(facts(BASE), (view) => view.roles.has('server'));
    const merged = mergeReads(a, b);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.c?.map((n) => Object.keys(n.s)[0])).toEqual(['c', 'p']);
    expect(replay(() => facts(BASE), merged)).toBe(true);
    expect(replay(() => facts(BASE, []), merged)).toBe(false);
    const notAsync = { ...BASE, '/repo/src/orders.service.ts': { createOrder: { async: false, line: 12 } } };
    expect(replay(() => facts(notAsync), merged)).toBe(false);
  });

  it('records what is read from an object reached along two paths under both paths', () => {
    // Two lookups that reach the same export info object (as a re-export and its source do): the
    // second lookup's reads must replay on their own, or a change that makes the second path reach
    // a different export would go unseen.
    const shared = { async: true, line: 12 };
    const modules = (reexported: ExportInfo) => new Map([['/repo/src/a.ts', shared], ['/repo/src/b.ts', reexported]]);
    const view = (reexported: ExportInfo) => {
      const m = modules(reexported);
      return { lookupExport: (file: string) => ({ file, info: m.get(file) }) };
    };
    const recorder = new FactsRecorder();
    const wrapped = recorder.wrap(view(shared), '#');
    expect(wrapped.lookupExport('/repo/src/a.ts').info?.async).toBe(true);
    expect(wrapped.lookupExport('/repo/src/b.ts').info?.async).toBe(true);
    const reads = JSON.parse(JSON.stringify(recorder.result())) as Reads;
    expect(replay(() => view(shared), reads)).toBe(true);
    expect(reads[0]?.c?.[1]?.c?.[0]).toMatchObject({ s: { p: 'info' }, v: 'O', same: [[{ p: '#' }, { c: 'lookupExport', a: ['/repo/src/a.ts'] }, { p: 'info' }]] });
    expect(mergeReads(reads, JSON.parse(JSON.stringify(reads)) as Reads)).toBe(reads);
    // b.ts now re-exports a function that is not async.
    expect(replay(() => view({ async: false, line: 1 }), reads)).toBe(false);
  });

  it('names the files whose reads changed, and leaves out the steps the caller knows still hold', () => {
    const recorder = new FactsRecorder();
    const view = recorder.wrap(facts(BASE), '#');
    recorder.readingFor('src/orders.controller.ts');
    expect(view.lookupExport('/repo/src/orders.service.ts', 'createOrder')?.info.async).toBe(true);
    recorder.readingFor('src/health.controller.ts');
    expect(view.roles.has('server')).toBe(true);
    recorder.readingFor(null);
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    const notAsync = { ...BASE, '/repo/src/orders.service.ts': { createOrder: { async: false, line: 12 } } };
    expect(staleReaders(() => facts(notAsync), reads)).toEqual(new Set(['src/orders.controller.ts']));
    expect(staleReaders(() => facts(BASE, []), reads)).toEqual(new Set(['src/health.controller.ts']));
    expect(staleReaders(() => facts(notAsync), reads, undefined, (s) => 'c' in s && s.c === 'lookupExport')).toEqual(new Set());
  });

  it('merging reads that add nothing answers the first tree itself (the cache then writes it back unencoded)', () => {
    const a = recorded(facts(BASE), (view) => view.lookupExport('/repo/src/orders.service.ts', 'createOrder')?.info.async);
    const again = recorded(facts(BASE), (view) => view.lookupExport('/repo/src/orders.service.ts', 'createOrder')?.info.async);
    expect(mergeReads(a, again)).toBe(a);
    expect(mergeReads(a, [])).toBe(a);
    const b = recorded(facts(BASE), (view) => view.roles.has('server'));
    expect(mergeReads(a, b)).not.toBe(a);
  });

  it('combining a shard\u2019s reads onto none answers them as they are, and onto others as their union', () => {
    const recorder = new FactsRecorder();
    const view = recorder.wrap(facts(BASE), '#');
    recorder.readingFor('src/orders.controller.ts');
    view.lookupExport('/repo/src/orders.service.ts', 'createOrder');
    recorder.readingFor(null);
    const shard = recorder.fileReads();
    // A cold scan's one shard: not copied (medusa: 340 -> 130 ms of storing the cache).
    expect(combineReads(NO_READS, shard)).toBe(shard);
    const other = new FactsRecorder();
    const otherView = other.wrap(facts(BASE), '#');
    other.readingFor('src/health.controller.ts');
    void otherView.roles.has('server');
    other.readingFor(null);
    const both = combineReads(shard, other.fileReads());
    expect(both.names).toEqual(['src/orders.controller.ts', 'src/health.controller.ts']);
    expect(staleReaders(() => facts(BASE, []), JSON.parse(JSON.stringify(both)) as FileReads)).toEqual(new Set(['src/health.controller.ts']));
  });
});
