// Answers computed once per project facts object and shared by the rules of every file (an import
// graph, the packages in use, the import cycles). The per-file cache must know about them: the
// rules of a file that takes such an answer depend on everything its computation read, though the
// file's own check read none of it. So every answer shared across files goes through `memoOn`, and
// when the facts are being recorded (../cache/record.ts) the recorder is told which file used which
// answer and what computing it read (a test keeps module-level caches of facts on this path).

/** What a recording proxy answers to this symbol: the recorder's hook for shared answers. */
export const MEMO_HOOK = Symbol.for('prodcheck.memo');

export interface MemoHook {
  /** Runs `get` (which computes the answer when `computing`) with the reads attributed to answer `name`, and notes that the current reader used it. */
  use<T>(name: string, computing: boolean, get: () => T): T;
}

/**
 * The answer `name` for `key` (the facts, or an object reached from them), computed on first use and
 * kept in `store` while `key` lives.
 */
export function memoOn<T>(store: WeakMap<object, Map<string, T>>, key: object, name: string, compute: () => T): T {
  let answers = store.get(key);
  if (!answers) {
    answers = new Map();
    store.set(key, answers);
  }
  const known = answers;
  const get = (): T => {
    if (!known.has(name)) known.set(name, compute());
    return known.get(name) as T;
  };
  const hook = (key as { [MEMO_HOOK]?: MemoHook })[MEMO_HOOK];
  return hook ? hook.use(name, !known.has(name), get) : get();
}

/** What a facts method marked by `readWhole` carries (see ../cache/record.ts): the keys it follows. */
export const WHOLE_ANSWER = Symbol.for('prodcheck.wholeAnswer');

/**
 * Marks a facts method whose answer is plain data (what JSON holds) that the rules read in full, such
 * as a taint summary. A recorder then keeps the answer's JSON at the call, as one read, rather than a
 * read for each field and item the rules go through: a later scan compares the whole answer, which is
 * what such a rule depends on anyway. An object under a key in `follow` (at any depth) is written in
 * that JSON as its kind only, and what the rules read from it is recorded read by read, as the rest
 * of the facts are: a summary's traces, whose line numbers a rule reads only when it reports a
 * finding through them.
 */
export function readWhole<F extends (...args: never[]) => unknown>(method: F, follow: readonly string[] = []): F {
  Object.defineProperty(method, WHOLE_ANSWER, { value: follow });
  return method;
}
