// What the file rules read from the project facts, recorded so that a later scan can tell whether
// cached results still hold: the rules see the facts through a recording proxy, and every read of a
// plain value (a boolean, a string, a length, a map's keys) is kept with the path that reached it
// (`#pkg` → `lookupExport("/src/a.ts","save")` → `info` → `async`). A later scan replays each path on
// its own facts: when every value is the same, the rules would see the same facts. Objects are
// followed, never compared whole, so a rule that asked whether an export is async depends on that
// answer, not on the exporting module's line numbers.
//
// The reads form a tree (a path's steps are its branches), kept and stored as one: each step is
// written once however many reads pass through it, and replaying walks the tree once.
//
// One recorder serves every file of a scan, and each read is kept with its readers: the file being
// checked when it was made (`readingFor`), or an answer shared across files being computed
// (../project/memo.ts: rules and helpers compute such answers once per facts object, and every file
// that takes one depends on what computing it read). A read that changed makes its readers stale,
// and the files that used a stale answer (`staleReaders`).
//
// Not recorded: arguments that are syntax tree nodes (facts methods read plain fields of their
// arguments: a `Reference`'s kind, module and path). Object identity is recorded only where two
// paths reached one object (`same`), and never below an answer read whole (plain data).

import { MEMO_HOOK, WHOLE_ANSWER, type MemoHook } from '../project/memo.js';

/**
 * One step from a value: a property (`p`), a method call with plain arguments (`c`, `a`; `w` when
 * the method's answer is read whole, see ../project/memo.ts `readWhole`: its value is the answer's
 * JSON, without what is under the keys `w` lists, which is followed), a Map's
 * entry (`g`), `name in value` (`in`), a Map's or Set's `has` (`has`), the keys of an object, Map or
 * Set of plain values (`keys`), the items of a Set of objects (`items`, read as its size) and one of
 * them (`item`). The first step of a path names the facts it starts from (`p`: `#` and a package path).
 */
export type Step = { p: string } | { c: string; a: unknown[]; w?: 1 | string[] } | { g: unknown } | { in: string } | { has: unknown } | { keys: 1 } | { items: 1 } | { item: number };

/** A recorded step and what was seen there (`v`: JSON of a plain value, or the kind of an object), with the reads made from it. */
export interface ReadNode {
  s: Step;
  v?: string;
  c?: ReadNode[];
  /** Paths (from a root) that reached the very object seen here first: what was read from it is recorded under them. */
  same?: Step[][];
  /** Readers (indices into `FileReads.names`) that read here and nowhere below. */
  r?: number[];
}

/** The reads of a scan: one tree per facts root. */
export type Reads = ReadNode[];

/**
 * The file rules' reads with who made them: each file (by its path) and each answer shared across
 * files (../project/memo.ts, named `MEMO_PREFIX`…), and which shared answers each reader used.
 */
export interface FileReads {
  tree: ReadNode[];
  names: string[];
  /** [reader, the shared answers it used]: indices into `names`. */
  uses: Array<[number, number[]]>;
}

export const NO_READS: FileReads = { tree: [], names: [], uses: [] };

/** The reader name of an answer shared across files (never a file's path). */
export const MEMO_PREFIX = '\0memo ';

const PROXIED = Symbol('prodcheck.recorded');
/** The built-in array iterator (for a recording proxy's iterator called on something else). */
const ARRAY_VALUES = Array.prototype[Symbol.iterator];
/** %IteratorPrototype%: what the built-in iterators inherit from. */
const ITERATOR_PROTOTYPE: object = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

/** A property name as a step of a key: characters that delimit steps are escaped. */
export const esc = (name: string) => name.replace(/[%.?()"]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

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
 * The JSON of an answer read whole (`readWhole`), undefined included, with each object under one of
 * the keys `followed` written as its kind (`leaf`): what is read from it is recorded below. A plain
 * value there stays as it is.
 */
function whole(value: unknown, followed: readonly string[]): string {
  if (value === undefined) return 'u';
  return followed.length === 0 ? JSON.stringify(value) : JSON.stringify(value, (key, v: unknown) => (v !== null && typeof v === 'object' && followed.includes(key) ? leaf(v) : v));
}

/** Not an object nor a function: compared by value. */
function isPlain(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** A step's identity among its siblings. */
function stepKey(s: Step): string {
  return 'p' in s ? `.${s.p}` : JSON.stringify(s);
}

/** A set of reader ids, in order of first addition: an array while small, with a Set beside it once large. */
class ReaderList {
  readonly items: number[] = [];
  private last = -1;
  private set: Set<number> | undefined;

  add(reader: number): void {
    if (this.last === reader) return;
    this.last = reader;
    if (this.has(reader)) return;
    this.items.push(reader);
    if (this.set) this.set.add(reader);
    else if (this.items.length > 16) this.set = new Set(this.items);
  }

  has(reader: number): boolean {
    return this.set ? this.set.has(reader) : this.items.includes(reader);
  }
}

/** A level of `Site.partsChild`'s lookup: the site whose parts end here, and the next parts. */
class PartLevel {
  site: Site | undefined = undefined;
  next: Map<unknown, PartLevel> | undefined = undefined;
}

/** One place the rules read: its step from the parent, the value first seen there, and the places read from it. */
class Site {
  value: string | undefined = undefined;
  /** Made on the first read below (most sites are leaves). */
  private children: Map<unknown, Site> | undefined;
  /** The sites whose objects this site's is (recorded when it was reached here after there). */
  private same: Site[] | undefined;
  /** Who read here (reader ids of the recorder), and who of them read on below (through a child). */
  private readers: ReaderList | undefined;
  private below: ReaderList | undefined;
  /** At a call with plain arguments whose answer is a plain value: the answer (the facts do not change during a scan). */
  answer: { value: unknown } | undefined;
  /** The memo hook of the object first reached here. */
  hook: MemoHook | undefined;
  /**
   * Below an answer read whole (`readWhole`): plain data, whose objects are told apart by where
   * they are, not by identity (two answers may hold one object: one summary asked from two packages).
   */
  readonly inWhole: boolean;
  /** At such a site: the object reached here and its proxy. */
  proxied: { target: object; proxy: unknown } | undefined;
  constructor(
    readonly step: Step,
    readonly parent: Site | null,
  ) {
    this.inWhole = parent !== null && (parent.inWhole || ('c' in parent.step && parent.step.w !== undefined));
  }

  /** The child site for `step`, found by `key` (a property name, a Map key, or a step's JSON). */
  child(key: unknown, step: () => Step): Site {
    const children = (this.children ??= new Map());
    let site = children.get(key);
    if (!site) {
      site = new Site(step(), this);
      children.set(key, site);
    }
    return site;
  }

  /**
   * The child site for a step made of plain parts (a call's kind, method and arguments, a Map key, a
   * `has` value), found through a Map per part rather than by a key string: building and hashing a
   * string of a call's path arguments cost about a microsecond a call.
   */
  partsChild(parts: readonly unknown[], step: () => Step): Site {
    let level = (this.byParts ??= new PartLevel());
    for (const part of parts) {
      const next = (level.next ??= new Map());
      let found = next.get(part);
      if (!found) {
        found = new PartLevel();
        next.set(part, found);
      }
      level = found;
    }
    if (!level.site) {
      level.site = new Site(step(), this);
      // Kept among the children too, in the order reached (the stored order).
      (this.children ??= new Map()).set(level.site, level.site);
    }
    return level.site;
  }

  private byParts: PartLevel | undefined;

  /** The child site for reading property `prop` (`child` without a step to make: the common read). */
  property(prop: string): Site {
    const children = (this.children ??= new Map());
    let site = children.get(prop);
    if (!site) {
      site = new Site({ p: prop }, this);
      children.set(prop, site);
    }
    return site;
  }

  touch(reader: number): void {
    (this.readers ??= new ReaderList()).add(reader);
    this.parent?.readOnBelow(reader);
  }

  private readOnBelow(reader: number): void {
    (this.below ??= new ReaderList()).add(reader);
  }

  sameAs(first: Site): void {
    if (!this.same) this.same = [first];
    else if (!this.same.includes(first)) this.same.push(first);
  }

  /** The steps from the root to here. */
  path(): Step[] {
    const out: Step[] = [];
    for (let s: Site | null = this; s; s = s.parent) out.push(s.step);
    return out.reverse();
  }

  /** This site as stored: null when nothing was read here or below. */
  node(): ReadNode | null {
    const c: ReadNode[] = [];
    for (const child of this.children?.values() ?? []) {
      const n = child.node();
      if (n) c.push(n);
    }
    if (this.value === undefined && c.length === 0 && !this.same) return null;
    // A reader is stored where its reads end: one that read on below this site is kept by a child.
    const below = this.below;
    const own = this.readers ? (below ? this.readers.items.filter((r) => !below.has(r)) : this.readers.items) : [];
    // Fields set one by one, in this order (s, v, c, same, r), which is the stored order.
    const node: ReadNode = { s: this.step };
    if (this.value !== undefined) node.v = this.value;
    if (c.length > 0) node.c = c;
    if (this.same) node.same = this.same.map((site) => site.path());
    if (own.length > 0) node.r = own;
    return node;
  }
}

// Children of a site are keyed by property name for properties (the common case), by their parts for
// steps of plain parts (`Site.partsChild`: the parts start with the step's kind), and by a prefixed
// string for the other steps, so that none can be taken for another.

export class FactsRecorder {
  private readonly roots = new Map<string, Site>();
  /** Each proxied object's proxy and the first site it was reached at. */
  private readonly seen = new WeakMap<object, { proxy: unknown; site: Site }>();

  /** The facts as the rules should see them; `root` names them in the recorded reads (`#` and the package's path). */
  wrap<T extends object>(facts: T, root: string): T {
    let site = this.roots.get(root);
    if (!site) {
      site = new Site({ p: root }, null);
      this.roots.set(root, site);
    }
    return this.follow(facts, site) as T;
  }

  /** The reads so far. */
  result(): Reads {
    const out: Reads = [];
    for (const site of this.roots.values()) {
      const n = site.node();
      if (n) out.push(n);
    }
    return out;
  }

  /** The reads so far with who made them (see `readingFor`). */
  fileReads(): FileReads {
    const tree = this.result();
    if (tree.length === 0 && this.names.length === 0) return NO_READS;
    return { tree, names: [...this.names], uses: [...this.uses].map(([reader, used]) => [reader, [...used]]) };
  }

  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** The readers now: the file being checked, then the shared answers being computed for it, innermost last. */
  private stack: number[] = [];
  private readonly uses = new Map<number, Set<number>>();

  /** Whose reads the next ones are: the file `name` (its path), or nobody (null). */
  readingFor(name: string | null): void {
    this.stack = name === null ? [] : [this.idOf(name)];
  }

  private idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  /** The hook for answers shared across files computed from the object at `site` (../project/memo.ts). */
  private memoHook(site: Site): MemoHook {
    if (site.hook) return site.hook;
    /** The reader ids of the answers computed from this object, by name. */
    const ids = new Map<string, number>();
    site.hook = {
      use: <T>(name: string, computing: boolean, get: () => T): T => {
        let answer = ids.get(name);
        if (answer === undefined) {
          answer = this.idOf(`${MEMO_PREFIX}${JSON.stringify(site.path())} ${name}`);
          ids.set(name, answer);
        }
        const reader = this.stack[this.stack.length - 1];
        if (reader !== undefined && reader !== answer) {
          const used = this.uses.get(reader);
          if (used) used.add(answer);
          else this.uses.set(reader, new Set([answer]));
        }
        if (!computing) return get();
        this.stack.push(answer);
        try {
          return get();
        } finally {
          this.stack.pop();
        }
      },
    };
    return site.hook;
  }

  private touch(site: Site): void {
    const reader = this.stack[this.stack.length - 1];
    if (reader !== undefined) site.touch(reader);
  }

  private note(site: Site, value: () => string): void {
    this.touch(site);
    if (site.value === undefined) site.value = value();
  }

  private follow(value: unknown, site: Site): unknown {
    this.touch(site);
    if (site.value === undefined) site.value = leaf(value);
    return this.reached(value, site);
  }

  /**
   * A copy of plain data in which what is under a key in `keys` is handed out as `follow` would at
   * its site (made when first needed), without a read recorded: the reads from it are (a rule that
   * spreads a trace reads its length and items; one that reports through it, each step's fields).
   */
  private following(value: unknown, site: () => Site, keys: readonly string[]): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item, i) => this.following(item, () => site().property(String(i)), keys));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = item !== null && typeof item === 'object' && keys.includes(key) ? this.reached(item, site().property(key)) : this.following(item, () => site().property(key), keys);
    return out;
  }

  /** `value` as the rules see it at `site` (a recording proxy for an object), the read not recorded. */
  private reached(value: unknown, site: Site): unknown {
    if (!value || typeof value !== 'object' || isNode(value)) return value;
    if (site.inWhole) {
      // A proxy of its own at each site, whoever else holds the object.
      if (site.proxied?.target !== value) site.proxied = { target: value, proxy: this.proxyOf(value, site) };
      return site.proxied.proxy;
    }
    const known = this.seen.get(value);
    if (known) {
      const first = known.site;
      // One proxy per object, so that the rules see one object: what is read from it is recorded
      // under the first path that reached it, and any other path that reaches it records that it
      // reached the same object (a later scan checks that it still does, or an export reached
      // through a re-export that now leads elsewhere would replay as unchanged).
      if (first !== site) site.sameAs(first);
      return known.proxy;
    }
    const proxy = this.proxyOf(value, site);
    this.seen.set(value, { proxy, site });
    return proxy;
  }

  private proxyOf(value: object, site: Site): unknown {
    return value instanceof Map ? this.mapProxy(value, site) : value instanceof Set ? this.setProxy(value, site) : this.objectProxy(value, site);
  }

  private encodeArg(arg: unknown): unknown {
    if (arg && typeof arg === 'object') {
      const target = (arg as { [PROXIED]?: object })[PROXIED];
      if (target) return { $path: this.seen.get(target)?.site.path() ?? null };
      if (isNode(arg)) return null;
      if (Array.isArray(arg)) return arg.map((a) => this.encodeArg(a));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(arg)) out[k] = this.encodeArg(v);
      return out;
    }
    return arg;
  }

  /** A call of method `prop` of `target` (its function `fn`) made through its proxy at `site`, recorded. */
  private callThrough(target: object, fn: (...a: unknown[]) => unknown, prop: string, args: unknown[], site: Site): unknown {
    let plain = true;
    for (const a of args) {
      if (!isPlain(a)) {
        plain = false;
        break;
      }
    }
    // An answer read whole (with plain arguments): its JSON is the one read, and the rules take the
    // answer as it is, or a copy of it whose followed parts are recording proxies.
    const followed = (fn as { [WHOLE_ANSWER]?: readonly string[] })[WHOLE_ANSWER];
    if (plain && followed) {
      const at = site.partsChild(['w', prop, args.length, ...args], () => ({ c: prop, a: args, w: followed.length === 0 ? 1 : [...followed] }));
      this.touch(at);
      if (!at.answer) {
        const value = fn.apply(target, args);
        at.value = whole(value, followed);
        at.answer = { value: followed.length === 0 ? value : this.following(value, () => at, followed) };
      }
      return at.answer.value;
    }
    // Plain arguments (the common case: a package name, a path): a key without encoding, and an
    // answer that is a plain value is kept, as the facts do not change during a scan.
    if (plain) {
      const at = site.partsChild(['c', prop, args.length, ...args], () => ({ c: prop, a: args }));
      if (at.answer) return this.follow(at.answer.value, at);
      const value = fn.apply(target, args);
      if (isPlain(value)) at.answer = { value };
      return this.follow(value, at);
    }
    const raw = args.map((a) => (a && typeof a === 'object' && (a as { [PROXIED]?: object })[PROXIED]) || a);
    const encoded = args.map((a) => this.encodeArg(a));
    const step: Step = { c: prop, a: encoded };
    const key = `\0c${JSON.stringify(step)}`;
    return this.follow(fn.apply(target, raw), site.child(key, () => step));
  }

  /**
   * An iterator over an array seen at `site` (the proxy `proxy`) that records what the built-in one
   * reads through the proxy, in the same order (the length before each step, then the item at that
   * step; a function item is handed over unrecorded, as the `get` trap hands over an array's
   * functions), without a trap for each of those reads.
   */
  private arrayIterator(target: readonly unknown[], site: Site): Iterator<unknown> {
    let next = 0;
    let done = false;
    // Inheriting from the built-in iterators' prototype: `[Symbol.iterator]()` answers itself, and
    // where the runtime has iterator helpers (`.map()`, `.toArray()`), they work on this one too.
    const iterator = Object.create(ITERATOR_PROTOTYPE) as Iterator<unknown>;
    iterator.next = (): IteratorResult<unknown> => {
      if (done) return { value: undefined, done: true };
      const length = target.length;
      this.follow(length, site.property('length'));
      if (next >= length) {
        done = true;
        return { value: undefined, done: true };
      }
      const index = next++;
      const item = target[index];
      return { value: typeof item === 'function' ? item : this.follow(item, site.property(String(index))), done: false };
    };
    return iterator;
  }

  private objectProxy(target: object, site: Site): object {
    // A method read here is wrapped once (the wrapper records each call); an array's iterator reads
    // through `arrayIterator` rather than a trap per length and item.
    let methods: Map<string, { fn: (...a: unknown[]) => unknown; wrapper: (...a: unknown[]) => unknown }> | undefined;
    // Called on the proxy (`for (const x of proxy)`), the recording iterator; on anything else
    // (`proxy[Symbol.iterator].call(other)`), the built-in one.
    const recorder = this;
    const iterate = Array.isArray(target)
      ? function (this: unknown): Iterator<unknown> {
          return this === proxy ? recorder.arrayIterator(target as unknown[], site) : (ARRAY_VALUES.call(this) as Iterator<unknown>);
        }
      : undefined;
    const proxy: object = new Proxy(target, {
      get: (t, prop, receiver) => {
        if (prop === PROXIED) return t;
        if (prop === MEMO_HOOK) return this.memoHook(site);
        if (prop === Symbol.iterator && iterate && (t as unknown[])[Symbol.iterator] === ARRAY_VALUES) return iterate;
        const v = Reflect.get(t, prop, receiver);
        if (typeof prop === 'symbol') return v;
        if (typeof v === 'function') {
          if (iterate) return v;
          const fn = v as (...a: unknown[]) => unknown;
          const known = (methods ??= new Map()).get(prop);
          if (known && known.fn === fn) return known.wrapper;
          const wrapper = (...args: unknown[]) => this.callThrough(t, fn, prop, args, site);
          methods.set(prop, { fn, wrapper });
          return wrapper;
        }
        return this.follow(v, site.property(prop));
      },
      has: (t, prop) => {
        const has = Reflect.has(t, prop);
        if (typeof prop === 'string') this.note(site.child(`\0in${prop}`, () => ({ in: prop })), () => leaf(has));
        return has;
      },
      ownKeys: (t) => {
        const keys = Reflect.ownKeys(t);
        this.note(site.child('\0keys', () => ({ keys: 1 })), () => JSON.stringify(keys.filter((k) => typeof k === 'string')));
        return keys;
      },
    });
    return proxy;
  }

  private hasSite(site: Site, k: unknown): Site {
    return isPlain(k) ? site.partsChild(['has', k], () => ({ has: k })) : site.child(`\0has${JSON.stringify(k)}`, () => ({ has: k }));
  }

  private mapProxy(target: Map<unknown, unknown>, site: Site): object {
    const entryOf = (k: unknown) => this.follow(target.get(k), isPlain(k) ? site.partsChild(['g', k], () => ({ g: k })) : site.child(`\0g${JSON.stringify(k)}`, () => ({ g: k })));
    const keysRead = () => {
      const keys = [...target.keys()];
      this.note(site.child('\0keys', () => ({ keys: 1 })), () => JSON.stringify(keys));
      return keys;
    };
    const methods: Record<string | symbol, unknown> = {
      get: (k: unknown) => entryOf(k),
      has: (k: unknown) => {
        const has = target.has(k);
        this.note(this.hasSite(site, k), () => leaf(has));
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
    methods[MEMO_HOOK] = this.memoHook(site);
    const proxy = collectionProxy(target, methods, () => keysRead().length);
    return proxy;
  }

  private setProxy(target: Set<unknown>, site: Site): object {
    const valuesRead = () => {
      const values = [...target];
      if (values.every((v) => v === null || typeof v !== 'object')) {
        this.note(site.child('\0keys', () => ({ keys: 1 })), () => JSON.stringify(values));
        return values;
      }
      const items = site.child('\0items', () => ({ items: 1 }));
      this.note(items, () => leaf(values.length));
      return values.map((v, i) => this.follow(v, items.child(i, () => ({ item: i }))));
    };
    const methods: Record<string | symbol, unknown> = {
      has: (v: unknown) => {
        const has = target.has(v);
        if (v === null || typeof v !== 'object') this.note(this.hasSite(site, v), () => leaf(has));
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
    methods[MEMO_HOOK] = this.memoHook(site);
    const proxy = collectionProxy(target, methods, () => valuesRead().length);
    return proxy;
  }
}

/** The reads of both (a step read in both is kept once, with the value `a` saw). */
export function mergeReads(a: readonly ReadNode[], b: readonly ReadNode[]): ReadNode[] {
  const byStep = new Map<string, ReadNode>();
  for (const n of a) byStep.set(stepKey(n.s), n);
  // When `b` adds nothing, `a` itself is the answer (so that the cache can tell it is unchanged).
  let added = false;
  for (const n of b) {
    const key = stepKey(n.s);
    const have = byStep.get(key);
    if (!have) {
      byStep.set(key, n);
      added = true;
    } else {
      const before = have.c ?? [];
      const c = mergeReads(before, n.c ?? []);
      const same = mergeSame(have.same, n.same);
      const r = mergeReaders(have.r, n.r);
      if (c === before && same === have.same && r === have.r && (have.v !== undefined || n.v === undefined)) continue;
      byStep.set(key, { s: have.s, ...(have.v !== undefined ? { v: have.v } : n.v !== undefined ? { v: n.v } : {}), ...(c.length > 0 ? { c } : {}), ...(same ? { same } : {}), ...(r ? { r } : {}) });
      added = true;
    }
  }
  return added ? [...byStep.values()] : (a as ReadNode[]);
}

/** Both lists of readers (`a` itself when `b` adds none). */
function mergeReaders(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (!b || b.length === 0) return a;
  if (!a) return b;
  const more = b.filter((r) => !a.includes(r));
  return more.length === 0 ? a : [...a, ...more];
}

/**
 * The tree with every reader index mapped through `map` (dropped where it answers undefined), and the
 * nodes no reader needs left out; nodes (and lists) that do not change are the same objects.
 */
function mapReaders(nodes: ReadNode[], map: (reader: number) => number | undefined): ReadNode[] {
  let changed = false;
  const out: ReadNode[] = [];
  for (const n of nodes) {
    const c = n.c ? mapReaders(n.c, map) : undefined;
    let r = n.r;
    if (r && r.some((x) => map(x) !== x)) r = r.map(map).filter((x): x is number => x !== undefined);
    if ((!c || c.length === 0) && (!r || r.length === 0)) {
      changed = true;
      continue;
    }
    if (c === n.c && r === n.r) {
      out.push(n);
      continue;
    }
    changed = true;
    const { c: _c, r: _r, ...rest } = n;
    out.push({ ...rest, ...(c && c.length > 0 ? { c } : {}), ...(r && r.length > 0 ? { r } : {}) });
  }
  return changed ? out : nodes;
}

/**
 * These reads without what the readers `skip` names read themselves: their names, their own uses
 * of shared answers and the other readers' uses of them stay (see `combineReads`, whose `drop` also
 * takes a reader out of the uses).
 */
export function withoutOwnReads(reads: FileReads, skip: (name: string) => boolean): FileReads {
  const skipped = reads.names.map(skip);
  if (!skipped.some(Boolean)) return reads;
  return { tree: mapReaders(reads.tree, (r) => (skipped[r] ? undefined : r)), names: reads.names, uses: reads.uses };
}

/**
 * The reads of `a` and `b` together (readers named alike are one reader). `drop`: readers of `a`
 * whose reads are left out (files checked again, whose reads `b` holds; files gone); nodes no reader
 * needs any more go with them. `a` itself when nothing is dropped and `b` adds nothing.
 */
export function combineReads(a: FileReads, b: FileReads, drop?: (name: string) => boolean): FileReads {
  const dropped = drop ? a.names.map((name) => drop(name)) : [];
  let base = a;
  if (dropped.some(Boolean)) {
    // Shared answers no kept reader uses any more are dropped too.
    const keptUses = a.uses.filter(([reader]) => !dropped[reader]);
    const usesOf = new Map(keptUses);
    const live = new Set<number>();
    const visit = (reader: number) => {
      if (live.has(reader)) return;
      live.add(reader);
      for (const used of usesOf.get(reader) ?? []) if (!dropped[used]) visit(used);
    };
    a.names.forEach((name, i) => {
      if (!dropped[i] && !name.startsWith(MEMO_PREFIX)) visit(i);
    });
    // And those that the readers of `b` use (an answer whose stored reads stand: see `withoutOwnReads`).
    if (b.uses.length > 0) {
      const at = new Map(a.names.map((name, i) => [name, i]));
      for (const [, used] of b.uses) {
        for (const u of used) {
          const i = at.get(b.names[u] as string);
          if (i !== undefined && !dropped[i]) visit(i);
        }
      }
    }
    const again = new Set(b.names);
    // A reader dropped but back in `b` (a file checked again, an answer computed again) keeps its
    // place; only readers gone for good (a file removed, an answer nobody uses) renumber the table.
    const stays = (i: number) => live.has(i) || again.has(a.names[i] as string);
    let names = a.names;
    let place = (r: number): number | undefined => (stays(r) ? r : undefined);
    if (a.names.some((_name, i) => !stays(i))) {
      const renumbered = new Map<number, number>();
      names = [];
      a.names.forEach((name, i) => {
        if (!stays(i)) return;
        renumbered.set(i, names.length);
        names.push(name);
      });
      place = (r) => renumbered.get(r);
    }
    base = {
      // The reads of dropped readers go (those back in `b` return with it).
      tree: mapReaders(a.tree, (r) => (live.has(r) ? place(r) : undefined)),
      names,
      // A kept reader still uses an answer computed again.
      uses: keptUses.filter(([reader]) => live.has(reader)).map(([reader, used]) => [place(reader) as number, used.map(place).filter((u): u is number => u !== undefined)]),
    };
  }
  if (b.tree.length === 0 && b.uses.length === 0) return base;
  // Onto nothing (a cold scan's one shard), `b` is the result as it is: its names are distinct.
  if (base.tree.length === 0 && base.names.length === 0 && base.uses.length === 0) return b;
  const names = [...base.names];
  const ids = new Map(names.map((name, i) => [name, i]));
  const index = b.names.map((name) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      ids.set(name, id);
    }
    return id;
  });
  const tree = mergeReads(base.tree, mapReaders(b.tree, (r) => index[r]));
  const uses = new Map(base.uses.map(([reader, used]) => [reader, used]));
  for (const [reader, used] of b.uses) {
    const at = index[reader] as number;
    uses.set(at, mergeReaders(uses.get(at), used.map((u) => index[u] as number)) ?? []);
  }
  return { tree, names, uses: [...uses] };
}

/** Both lists of paths (`a` itself when `b` adds none). */
function mergeSame(a: Step[][] | undefined, b: Step[][] | undefined): Step[][] | undefined {
  if (!b || b.length === 0) return a;
  if (!a) return b;
  const known = new Set(a.map((p) => JSON.stringify(p)));
  const more = b.filter((p) => !known.has(JSON.stringify(p)));
  return more.length === 0 ? a : [...a, ...more];
}

/** The value one step leads to (a step of kind `keys` or `items` leads to the list it observes). */
function stepValue(base: unknown, s: Step, rootOf: (name: string) => unknown): unknown {
  if ('p' in s) return (base as Record<string, unknown>)[s.p];
  if ('g' in s) return (base as Map<unknown, unknown>).get(s.g);
  if ('c' in s) {
    const args = s.a.map((a) => decodeArg(a, rootOf));
    return ((base as Record<string, (...a: unknown[]) => unknown>)[s.c] as (...a: unknown[]) => unknown).apply(base, args);
  }
  if ('in' in s) return base !== null && typeof base === 'object' && s.in in base;
  if ('has' in s) return (base as Map<unknown, unknown> | Set<unknown>).has(s.has);
  if ('keys' in s) return base instanceof Map ? [...base.keys()] : base instanceof Set ? [...base] : Object.keys(base as object);
  if ('items' in s) return [...(base as Set<unknown>)];
  return (base as unknown[])[s.item];
}

/** What a recorded value is compared with: the list itself for keys, the count for items, a whole answer's JSON, else `leaf`. */
function observed(s: Step, value: unknown): string {
  if ('keys' in s) return JSON.stringify(value);
  if ('w' in s) return whole(value, s.w === 1 || s.w === undefined ? [] : s.w);
  if ('items' in s) return leaf((value as unknown[]).length);
  return leaf(value);
}

/** The value a recorded path (from a root) leads to in these facts. */
function valueAt(path: Step[] | null, rootOf: (name: string) => unknown): unknown {
  if (!path || path.length === 0) throw new Error('unrecorded argument');
  const [first, ...rest] = path;
  let value = rootOf((first as { p: string }).p);
  for (const s of rest) value = stepValue(value, s, rootOf);
  return value;
}

function decodeArg(arg: unknown, rootOf: (name: string) => unknown): unknown {
  if (arg && typeof arg === 'object') {
    if ('$path' in (arg as object)) return valueAt((arg as { $path: Step[] | null }).$path, rootOf);
    if (Array.isArray(arg)) return arg.map((a) => decodeArg(a, rootOf));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(arg)) out[k] = decodeArg(v, rootOf);
    return out;
  }
  return arg;
}

/** The facts each recorded root name stands for, asked once each; a name with none throws. */
function rootsByName(roots: (root: string) => object | undefined): (name: string) => object {
  const cache = new Map<string, object | undefined>();
  return (name) => {
    if (!cache.has(name)) cache.set(name, roots(name));
    const value = cache.get(name);
    if (value === undefined) throw new Error(`no facts ${name}`);
    return value;
  };
}

/**
 * Whether every recorded read gives the same value in these facts (`roots`: the facts a recorded root
 * name stands for, or undefined when it no longer exists). `settled`: objects known to read as they
 * did when the reads were recorded (a module's facts reused unchanged): what was read below them is
 * not read again.
 */
export function replay(roots: (root: string) => object | undefined, reads: readonly ReadNode[], settled?: (value: unknown) => boolean): boolean {
  const rootOf = rootsByName(roots);
  const holds = (node: ReadNode, value: unknown): boolean => {
    if (node.v !== undefined && observed(node.s, value) !== node.v) return false;
    if (node.same) for (const path of node.same) if (valueAt(path, rootOf) !== value) return false;
    for (const child of node.c ?? []) {
      const next = stepValue(value, child.s, rootOf);
      if (settled?.(next)) continue;
      if (!holds(child, next)) return false;
    }
    return true;
  };
  try {
    for (const root of reads) {
      if (!('p' in root.s)) return false;
      if (!holds(root, rootOf(root.s.p))) return false;
    }
  } catch {
    return false;
  }
  return true;
}

/**
 * The readers whose recorded reads no longer all read the same in these facts (see `replay`), by
 * name: the files, and the files that used a shared answer whose computation read something that
 * changed. A read that fails takes every reader of what was read through it. `holds`: steps known
 * to read as they did (calls whose answers cannot have changed), not read again.
 */
export function staleReaders(roots: (root: string) => object | undefined, reads: FileReads, settled?: (value: unknown) => boolean, holds?: (step: Step) => boolean): Set<string> {
  const rootOf = rootsByName(roots);
  const stale = new Set<number>();
  const all = (node: ReadNode) => {
    for (const r of node.r ?? []) stale.add(r);
    for (const child of node.c ?? []) all(child);
  };
  const check = (node: ReadNode, value: unknown) => {
    if (node.v !== undefined && observed(node.s, value) !== node.v) return all(node);
    try {
      if (node.same) for (const path of node.same) if (valueAt(path, rootOf) !== value) return all(node);
    } catch {
      return all(node);
    }
    for (const child of node.c ?? []) {
      if (holds?.(child.s)) continue;
      let next: unknown;
      try {
        next = stepValue(value, child.s, rootOf);
      } catch {
        all(child);
        continue;
      }
      if (settled?.(next)) continue;
      check(child, next);
    }
  };
  for (const root of reads.tree) {
    let value: unknown;
    try {
      if (!('p' in root.s)) throw new Error('not a root');
      value = rootOf(root.s.p);
    } catch {
      all(root);
      continue;
    }
    check(root, value);
  }
  // Through shared answers: whoever used a stale answer is stale.
  const usedBy = new Map<number, number[]>();
  for (const [reader, used] of reads.uses) for (const u of used) usedBy.set(u, [...(usedBy.get(u) ?? []), reader]);
  const queue = [...stale];
  for (let r = queue.pop(); r !== undefined; r = queue.pop()) {
    for (const user of usedBy.get(r) ?? []) {
      if (stale.has(user)) continue;
      stale.add(user);
      queue.push(user);
    }
  }
  return new Set([...stale].map((r) => reads.names[r] as string));
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
