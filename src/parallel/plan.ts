// How a scan is spread over threads: how many shards (one in this thread, the others in worker
// threads), which files each holds (contiguous runs of about the same size, so that merging the
// shards' answers in shard order is merging them in file order), and request reach's fix-point
// driven over the shards round by round.
import type { ImportedCallee } from '../core/handlers.js';
import type { ProjectFacts } from '../project/facts.js';
import { mayRegister, ReachMerge, REACH_ROUNDS, type ReachSeeds, type RequestReach } from '../project/request-reach.js';
import { workersAvailable, type ShardHandle } from './pool.js';
import type { ShardFile } from './shard.js';

/**
 * Below this many files a scan stays in one thread: a worker thread first spends 0.4 s or more
 * loading TypeScript and the rules, and then rebuilds the project facts from every module's facts,
 * which a small project does not win back. A provisional value: the crossover could not be measured
 * on the shared two-core machine this was written on (load average 6-11); re-measure with
 * PRODCHECK_PARALLEL_MIN_FILES=1 and --jobs 1/2 on projects of 100-1,000 files.
 */
export const PARALLEL_MIN_FILES = 400;

export interface ParallelOptions {
  /** Threads to use (`--jobs`); default 1. */
  jobs?: number;
  /** Fewest files for which the scan uses worker threads (default `PARALLEL_MIN_FILES`; tests lower it). */
  parallelMinFiles?: number;
}

/** How many shards a scan of these files uses. */
export function parallelShards(files: readonly ShardFile[], options: ParallelOptions): number {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (jobs === 1 || !workersAvailable || files.length < (options.parallelMinFiles ?? PARALLEL_MIN_FILES)) return 1;
  return Math.min(jobs, files.length);
}

/** `count` contiguous runs of the files (in order), each of about the same total size; none empty. */
export function splitShards(files: readonly ShardFile[], count: number): ShardFile[][] {
  if (count <= 1) return [[...files]];
  const total = files.reduce((n, f) => n + f.size + 1, 0);
  const runs: ShardFile[][] = [];
  let run: ShardFile[] = [];
  let acc = 0;
  files.forEach((f, i) => {
    run.push(f);
    acc += f.size + 1;
    const left = files.length - i - 1;
    const runsLeft = count - runs.length - 1;
    if (runsLeft > 0 && (acc >= (total * (runs.length + 1)) / count || left === runsLeft)) {
      runs.push(run);
      run = [];
    }
  });
  runs.push(run);
  return runs;
}

/** Asks each shard about its own files, in the files' order, and returns the answers in that order. */
export async function byOwner<T, R>(items: readonly T[], fileOf: (item: T) => string, owner: ReadonlyMap<string, ShardHandle>, ask: (shard: ShardHandle, items: T[]) => Promise<R[]>): Promise<R[]> {
  const groups = new Map<ShardHandle, T[]>();
  for (const item of items) {
    const shard = owner.get(fileOf(item));
    if (!shard) throw new Error(`no shard holds ${fileOf(item)}`);
    const group = groups.get(shard);
    if (group) group.push(item);
    else groups.set(shard, [item]);
  }
  const answers = new Map<ShardHandle, R[]>();
  await Promise.all([...groups].map(async ([shard, group]) => answers.set(shard, await ask(shard, group))));
  const cursor = new Map<ShardHandle, number>();
  return items.map((item) => {
    const shard = owner.get(fileOf(item)) as ShardHandle;
    const i = cursor.get(shard) ?? 0;
    cursor.set(shard, i + 1);
    return (answers.get(shard) as R[])[i] as R;
  });
}

/** What request reach starts from: the files whose trees take part (parsed, not tests) and those of them that may register handlers. */
export function reachStart(facts: ProjectFacts, parsed: readonly ShardFile[]): { sources: Set<string>; registering: string[] } {
  const sources = new Set(parsed.filter((f) => !facts.roles(f.path).has('test')).map((f) => f.path));
  return { sources, registering: parsed.filter((f) => sources.has(f.path) && mayRegister(facts, f.path)).map((f) => f.path) };
}

/** The per-file work request reach did in one file: its seeds (a registering file) and each round's step, by the exports asked for. */
export interface ReachUnits {
  seeds?: ReachSeeds;
  steps: Array<[string[], ImportedCallee[]]>;
}

/**
 * Answers of an earlier scan's per-file work that still hold (the file is unchanged and what that
 * work read from the facts reads the same): `undefined` where the work must be done again.
 */
export interface ReachMemo {
  seeds(file: string): ReachSeeds | undefined;
  step(file: string, keys: readonly string[]): ImportedCallee[] | undefined;
}

/**
 * Request reach over shards: the seeds of every registering file, then rounds in which each shard
 * follows the newly reached exports of its own files. Merged in file order and in each round's
 * order, it equals `computeRequestReach` over all the trees in one thread. Per-file work that
 * `memo` answers is taken from it (the shards parse and walk only the rest). Returns the reach, the
 * files whose syntax trees took part, the per-file work by file, and the files whose work was done now.
 */
export async function requestReach(
  facts: ProjectFacts,
  parsed: readonly ShardFile[],
  owner: ReadonlyMap<string, ShardHandle>,
  memo?: ReachMemo,
): Promise<{ reach: RequestReach; walked: string[]; units: Map<string, ReachUnits>; computed: Set<string> }> {
  const { sources, registering } = reachStart(facts, parsed);
  const merge = new ReachMerge(sources);
  const units = new Map<string, ReachUnits>();
  const computed = new Set<string>();
  const unitOf = (file: string) => {
    let u = units.get(file);
    if (!u) units.set(file, (u = { steps: [] }));
    return u;
  };
  /** The answers for these items: from the memo, else from the shards that hold their files. */
  const answer = async <T, R>(items: readonly T[], fileOf: (item: T) => string, remembered: (item: T) => R | undefined, ask: (shard: ShardHandle, items: T[]) => Promise<R[]>): Promise<R[]> => {
    const out = items.map((item) => remembered(item));
    const missing = items.filter((_item, i) => out[i] === undefined);
    const fresh = await byOwner(missing, fileOf, owner, ask);
    let next = 0;
    return items.map((item, i) => {
      if (out[i] !== undefined) return out[i] as R;
      computed.add(fileOf(item));
      return fresh[next++] as R;
    });
  };
  const seeds = await answer(registering, (f) => f, (f) => memo?.seeds(f), (shard, files) => shard.call('seeds', files));
  registering.forEach((file, i) => {
    const s = seeds[i] as ReachSeeds;
    unitOf(file).seeds = s;
    merge.seed(file, s);
  });
  for (let round = 0; round < REACH_ROUNDS; round++) {
    const batch = merge.takePending().map(([file, keys]): [string, string[]] => [file, [...keys]]);
    if (batch.length === 0) break;
    const answers = await answer(batch, ([file]) => file, ([file, keys]) => memo?.step(file, keys), (shard, items) => shard.call('step', items));
    batch.forEach(([file, keys], i) => {
      const calls = answers[i] as ImportedCallee[];
      unitOf(file).steps.push([keys, calls]);
      merge.record(calls);
    });
  }
  return { reach: merge.reach, walked: [...units.keys()], units, computed };
}
