// What the file rules read from the project facts, recorded so that a later scan can tell whether
// cached results still hold: the rules see the facts through a recording proxy, and every read of a
// plain value (a boolean, a string, a length, a map's keys) is kept with the path that reached it
// (`#pkg.lookupExport(["/src/a.ts","save"]).info.async`). A later scan replays each path on its own
// facts: when every value is the same, the rules would see the same facts. Objects are followed,
// never compared whole, so a rule that asked whether an export is async depends on that answer, not
// on the exporting module's line numbers.
//
// One recorder serves every file of a scan (rules and helpers memoise project-wide computations per
// facts object, such as the files a server entry point loads; a recorder per file would repeat them
// for each file), so the reads are the whole scan's, not one file's.
//
// Not recorded: arguments that are syntax tree nodes (facts methods read plain fields of their
// arguments: a `Reference`'s kind, module and path) and object identity (rules compare values).

type Step = { p: string } | { c: string; a: unknown[] } | { g: unknown } | { k: true };
export type Path = readonly Step[];

/** A recorded read: a path from the facts and the plain value found there (JSON). */
export type Read = [path: string, value: string];

const PROXIED = Symbol('prodcheck.recorded');

/** A property name as a step of a key: characters that delimit steps are escaped. */
export const esc = (name: string) => name.replace(/[%.?()"]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
export const unesc = (name: string) => name.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

function isNode(value: object): boolean {
  const v = value as { kind?: unknown; pos?: unknown; end?: unknown };
  return typeof v.kind === 'number' && typeof v.pos === 'number' && typeof v.end === 'number' && 'parent' in v;
}

/** A plain value's JSON; an object's kind (objects are followed, not compared). */
function leaf(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'f' : JSON.stringify(value);
  if (value instanceof Map) return 'M';
  if (value instanceof Set) return 'S';
  return Array.isArray(value) ? 'A' : 'O';
}

/**
 * One place the rules read: its key (built once, when first reached), the path that reaches it, the
 * value first read there, and the places read from it. Steps from a site are looked up by short
 * names (a property, a map key, a call's arguments), so a repeated read builds no string.
 */
class Site {
  value: string | undefined = undefined;
  private props: Map<string, Site> | undefined;
  private others: Map<string, Site> | undefined;
  private entries: Map<unknown, Site> | undefined;
  constructor(
    readonly key: string,
    readonly path: Step[],
  ) {}

  /** `.name`: a property. */
  prop(name: string): Site {
    const props = (this.props ??= new Map());
    let site = props.get(name);
    if (!site) {
      site = new Site(`${this.key}.${esc(name)}`, [...this.path, { p: name }]);
      props.set(name, site);
    }
    return site;
  }

  /** `.name(args)` (a call), `?name` (`in`), `.@keys`, `.@items`, `.has(k)`: by the step's text in the key. */
  step(text: string, step: Step | null): Site {
    const others = (this.others ??= new Map());
    let site = others.get(text);
    if (!site) {
      site = new Site(`${this.key}${text}`, step ? [...this.path, step] : this.path);
      others.set(text, site);
    }
    return site;
  }

  /** `.get(k)` of a Map. */
  entry(k: unknown): Site {
    const entries = (this.entries ??= new Map());
    let site = entries.get(k);
    if (!site) {
      site = new Site(`${this.key}.get(${JSON.stringify(k)})`, [...this.path, { g: k }]);
      entries.set(k, site);
    }
    return site;
  }
}

export class FactsRecorder {
  /** Sites read, in the order first read. */
  private readonly read: Site[] = [];
  private readonly roots = new Map<string, Site>();
  private readonly proxies = new WeakMap<object, unknown>();
  private readonly sites = new WeakMap<object, Site>();

  /** The facts as the rules should see them; `root` names them in the recorded keys (`#` and the package's path). */
  wrap<T extends object>(facts: T, root: string): T {
    let site = this.roots.get(root);
    if (!site) {
      site = new Site(root, [{ p: root }]);
      this.roots.set(root, site);
    }
    return this.follow(facts, site) as T;
  }

  /** The reads, in the order first made. */
  result(): Read[] {
    return this.read.map((site) => [site.key, site.value as string]);
  }

  private note(site: Site, value: () => string): void {
    if (site.value !== undefined) return;
    site.value = value();
    this.read.push(site);
  }

  private follow(value: unknown, site: Site): unknown {
    if (site.value === undefined) this.note(site, () => leaf(value));
    if (!value || typeof value !== 'object' || isNode(value)) return value;
    const cached = this.proxies.get(value);
    if (cached) return cached;
    this.sites.set(value, site);
    const proxy = value instanceof Map ? this.mapProxy(value, site) : value instanceof Set ? this.setProxy(value, site) : this.objectProxy(value, site);
    this.proxies.set(value, proxy);
    return proxy;
  }

  private encodeArg(arg: unknown): unknown {
    if (arg && typeof arg === 'object') {
      const target = (arg as { [PROXIED]?: object })[PROXIED];
      if (target) return { $path: this.sites.get(target)?.path ?? null };
      if (isNode(arg)) return null;
      if (Array.isArray(arg)) return arg.map((a) => this.encodeArg(a));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(arg)) out[k] = this.encodeArg(v);
      return out;
    }
    return arg;
  }

  private objectProxy(target: object, site: Site): object {
    return new Proxy(target, {
      get: (t, prop, receiver) => {
        if (prop === PROXIED) return t;
        const v = Reflect.get(t, prop, receiver);
        if (typeof prop === 'symbol') return v;
        if (typeof v === 'function') {
          if (Array.isArray(t)) return v;
          return (...args: unknown[]) => {
            const raw = args.map((a) => (a && typeof a === 'object' && (a as { [PROXIED]?: object })[PROXIED]) || a);
            const encoded = args.map((a) => this.encodeArg(a));
            return this.follow((v as (...a: unknown[]) => unknown).apply(t, raw), site.step(`.${prop}(${JSON.stringify(encoded)})`, { c: prop, a: encoded }));
          };
        }
        return this.follow(v, site.prop(prop));
      },
      has: (t, prop) => {
        const has = Reflect.has(t, prop);
        if (typeof prop === 'string') this.note(site.step(`?${esc(prop)}`, null), () => leaf(has));
        return has;
      },
      ownKeys: (t) => {
        const keys = Reflect.ownKeys(t);
        this.note(site.step('.@keys', null), () => JSON.stringify(keys.filter((k) => typeof k === 'string')));
        return keys;
      },
    });
  }

  private mapProxy(target: Map<unknown, unknown>, site: Site): object {
    const entryOf = (k: unknown) => this.follow(target.get(k), site.entry(k));
    const keysSite = site.step('.@keys', null);
    const keysRead = () => {
      const keys = [...target.keys()];
      this.note(keysSite, () => JSON.stringify(keys));
      return keys;
    };
    const methods: Record<string | symbol, unknown> = {
      get: (k: unknown) => entryOf(k),
      has: (k: unknown) => {
        const has = target.has(k);
        this.note(site.step(`.has(${JSON.stringify(k)})`, null), () => leaf(has));
        return has;
      },
      keys: () => keysRead()[Symbol.iterator](),
      values: () => keysRead().map((k) => entryOf(k))[Symbol.iterator](),
      entries: () => keysRead().map((k) => [k, entryOf(k)])[Symbol.iterator](),
      [Symbol.iterator]: () => keysRead().map((k) => [k, entryOf(k)])[Symbol.iterator](),
      forEach: (fn: (v: unknown, k: unknown, m: unknown) => void) => {
        for (const k of keysRead()) fn(entryOf(k), k, proxy);
      },
    };
    const proxy = collectionProxy(target, methods, () => keysRead().length);
    return proxy;
  }

  private setProxy(target: Set<unknown>, site: Site): object {
    const keysSite = site.step('.@keys', null);
    const itemsSite = site.step('.@items', { k: true });
    const valuesRead = () => {
      const values = [...target];
      if (values.every((v) => v === null || typeof v !== 'object')) {
        this.note(keysSite, () => JSON.stringify(values));
        return values;
      }
      this.note(itemsSite, () => leaf(values.length));
      return values.map((v, i) => this.follow(v, itemsSite.step(`.${i}`, { p: String(i) })));
    };
    const methods: Record<string | symbol, unknown> = {
      has: (v: unknown) => {
        const has = target.has(v);
        if (v === null || typeof v !== 'object') this.note(site.step(`.has(${JSON.stringify(v)})`, null), () => leaf(has));
        else valuesRead();
        return has;
      },
      keys: () => valuesRead()[Symbol.iterator](),
      values: () => valuesRead()[Symbol.iterator](),
      entries: () => valuesRead().map((v) => [v, v])[Symbol.iterator](),
      [Symbol.iterator]: () => valuesRead()[Symbol.iterator](),
      forEach: (fn: (v: unknown, k: unknown, s: unknown) => void) => {
        for (const v of valuesRead()) fn(v, v, proxy);
      },
    };
    const proxy = collectionProxy(target, methods, () => valuesRead().length);
    return proxy;
  }
}

/**
 * Whether every recorded read gives the same value in these facts (`roots`: the facts a recorded root
 * name stands for, or undefined when it no longer exists).
 */
export function replay(roots: (root: string) => object | undefined, reads: readonly Read[]): boolean {
  const cache = new Map<string, unknown>();
  const facts = {};
  for (const [key, expected] of reads) {
    const root = /^#[^.?]*/.exec(key)?.[0] ?? '';
    if (!cache.has(root)) {
      const value = roots(root);
      if (value === undefined) return false;
      cache.set(root, value);
    }
    let actual: string;
    try {
      actual = evaluate(facts, key, cache);
    } catch {
      return false;
    }
    if (actual !== expected) return false;
  }
  return true;
}

/** Splits a recorded key into its parent key and last step (keys are built by `FactsRecorder`). */
function lastStep(key: string): { parent: string; step: string } {
  // A step starts with '.', '?' ; arguments in (…) are JSON and may contain '.', so scan from the end
  // matching parentheses and JSON strings.
  let depth = 0;
  let inString = false;
  for (let i = key.length - 1; i >= 0; i--) {
    const ch = key[i];
    if (inString) {
      if (ch === '"') {
        let slashes = 0;
        for (let j = i - 1; j >= 0 && key[j] === '\\'; j--) slashes++;
        if (slashes % 2 === 0) inString = false;
      }
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === ')') depth++;
    else if (ch === '(') depth--;
    else if (depth === 0 && (ch === '.' || ch === '?')) return { parent: key.slice(0, i), step: key.slice(i) };
  }
  throw new Error(`not a recorded key: ${key}`);
}

function valueAt(facts: object, key: string, cache: Map<string, unknown>): unknown {
  if (cache.has(key)) return cache.get(key);
  if (!key.includes('.') && !key.includes('?')) throw new Error(`unknown root ${key}`);
  const { parent, step } = lastStep(key);
  const base = valueAt(facts, parent, cache) as Record<string, unknown> & Map<unknown, unknown> & Set<unknown>;
  let value: unknown;
  if (step.startsWith('?')) value = base !== null && typeof base === 'object' && unesc(step.slice(1)) in base;
  else if (step === '.@items') value = [...(base as unknown as Set<unknown>)].length;
  else {
    const call = /^\.([^(]+)\((.*)\)$/s.exec(step);
    const b = base as unknown;
    if (call && b instanceof Map && call[1] === 'get') value = b.get(JSON.parse(call[2] as string));
    else if (call && (b instanceof Map || b instanceof Set) && call[1] === 'has') value = b.has(JSON.parse(call[2] as string));
    else if (call) {
      const args = (JSON.parse(call[2] as string) as unknown[]).map((a) => decodeArg(facts, a, cache));
      const fn = base[call[1] as string] as (...a: unknown[]) => unknown;
      value = fn.apply(base, args);
    } else {
      const name = unesc(step.slice(1));
      if (parent.endsWith('.@items') && !(b instanceof Map)) value = [...(valueAt(facts, parent.slice(0, -'.@items'.length), cache) as Set<unknown>)][Number(name)];
      else value = base[name];
    }
  }
  cache.set(key, value);
  return value;
}

function decodeArg(facts: object, arg: unknown, cache: Map<string, unknown>): unknown {
  if (arg && typeof arg === 'object') {
    if ('$path' in (arg as object)) return valueAt(facts, pathKey((arg as { $path: Step[] }).$path), cache);
    if (Array.isArray(arg)) return arg.map((a) => decodeArg(facts, a, cache));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(arg)) out[k] = decodeArg(facts, v, cache);
    return out;
  }
  return arg;
}

/** The key of a path (as `FactsRecorder` builds keys). */
function pathKey(path: readonly Step[]): string {
  let key = '';
  for (const s of path) {
    if ('p' in s) key += key === '' ? s.p : `.${esc(s.p)}`;
    else if ('c' in s) key += `.${s.c}(${JSON.stringify(s.a)})`;
    else if ('g' in s) key += `.get(${JSON.stringify(s.g)})`;
    else key += '.@items';
  }
  return key;
}

function evaluate(facts: object, key: string, cache: Map<string, unknown>): string {
  if (key.endsWith('.@keys')) {
    const base = valueAt(facts, key.slice(0, -'.@keys'.length), cache) as object;
    const keys = base instanceof Map ? [...base.keys()] : base instanceof Set ? [...base] : Object.keys(base);
    return JSON.stringify(keys);
  }
  return leaf(valueAt(facts, key, cache));
}

/** A Map or Set seen through recording methods: `size` and the listed methods recorded, anything else the collection's own. */
function collectionProxy(target: Map<unknown, unknown> | Set<unknown>, methods: Record<string | symbol, unknown>, size: () => number): object {
  return new Proxy(target, {
    get: (t, prop) => {
      if (prop === PROXIED) return t;
      if (prop === 'size') return size();
      if (prop in methods) return methods[prop];
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
