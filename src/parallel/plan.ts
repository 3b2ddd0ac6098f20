// How a scan is spread over threads: how many shards (one in this thread, the others in worker
// threads), which files each holds (contiguous runs of about the same size, so that merging the
// shards' answers in shard order is merging them in file order), and request reach's fix-point
// driven over the shards round by round.
import type { ImportedCallee } from '../core/handlers.js';
import type { ProjectFacts } from '../project/facts.js';
import { mayRegister, ReachMerge, REACH_ROUNDS, type RequestReach } from '../project/request-reach.js';
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

/**
 * Request reach over shards: the seeds of every registering file, then rounds in which each shard
 * follows the newly reached exports of its own files. Merged in file order and in each round's
 * order, it equals `computeRequestReach` over all the trees in one thread.
 */
/** What request reach starts from: the files whose trees take part (parsed, not tests) and those of them that may register handlers. */
export function reachStart(facts: ProjectFacts, parsed: readonly ShardFile[]): { sources: Set<string>; registering: string[] } {
  const sources = new Set(parsed.filter((f) => !facts.roles(f.path).has('test')).map((f) => f.path));
  return { sources, registering: parsed.filter((f) => sources.has(f.path) && mayRegister(facts, f.path)).map((f) => f.path) };
}

/** Request reach and the files whose syntax trees it walked. */
export async function requestReach(facts: ProjectFacts, parsed: readonly ShardFile[], owner: ReadonlyMap<string, ShardHandle>): Promise<{ reach: RequestReach; walked: string[] }> {
  const { sources, registering } = reachStart(facts, parsed);
  const merge = new ReachMerge(sources);
  const walked = new Set(registering);
  const seeds = await byOwner(registering, (f) => f, owner, (shard, files) => shard.call('seeds', files));
  registering.forEach((file, i) => {
    const s = seeds[i];
    if (s) merge.seed(file, s);
  });
  for (let round = 0; round < REACH_ROUNDS; round++) {
    const batch = merge.takePending().map(([file, keys]): [string, string[]] => [file, [...keys]]);
    if (batch.length === 0) break;
    for (const [file] of batch) walked.add(file);
    const answers: ImportedCallee[][] = await byOwner(batch, ([file]) => file, owner, (shard, items) => shard.call('step', items));
    for (const calls of answers) merge.record(calls);
  }
  return { reach: merge.reach, walked: [...walked] };
}
