// Where shards run: in this thread, or each in a worker thread of its own. Both answer the same
// calls (the methods of ./shard.ts); a worker thread loads the compiled modules (./worker.js), so
// worker threads exist only when prodcheck runs compiled (as installed), not from TypeScript sources.
import { Worker } from 'node:worker_threads';
import { v8FlagsSet } from '../core/compile-cache.js';
import { Shard, type ShardFile } from './shard.js';

type Methods = Pick<Shard, 'parse' | 'modules' | 'prepare' | 'seeds' | 'step' | 'check' | 'parsedFiles' | 'reads' | 'reachReads' | 'summaries'>;
export type ShardCall = <M extends keyof Methods>(method: M, ...args: Parameters<Methods[M]>) => Promise<ReturnType<Methods[M]>>;

export interface ShardHandle {
  call: ShardCall;
  /** The shard itself when it runs in this thread. */
  local: Shard | null;
  /** Ends the shard (its thread, or its syntax trees in this thread); calling it again does nothing. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Worker threads need the compiled modules: true when this module is compiled JavaScript. */
export const workersAvailable = import.meta.url.endsWith('.js');

export function localShard(root: string, files: readonly ShardFile[], onChecked?: (done: number) => void): ShardHandle {
  const shard = new Shard(root, files);
  shard.onChecked = onChecked;
  return {
    local: shard,
    // Run on the next turn, after the calls to the worker threads have been posted.
    call: ((method: keyof Methods, ...args: unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve((shard[method] as (...a: unknown[]) => unknown)(...args));
          } catch (err) {
            reject(err);
          }
        });
      })) as ShardCall,
    // The shard's trees go; its answers so far stay with the caller.
    close: async () => shard.release(),
  };
}

export interface WorkerMessage {
  id: number;
  result?: unknown;
  error?: { message: string; stack?: string };
}

export function workerShard(root: string, files: readonly ShardFile[]): ShardHandle {
  const worker = new Worker(WORKER_URL, { workerData: { root, files, v8Flags: v8FlagsSet() } });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (msg: WorkerMessage) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) {
      const err = new Error(msg.error.message);
      if (msg.error.stack) err.stack = msg.error.stack;
      w.reject(err);
    } else {
      w.resolve(msg.result);
    }
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`a worker thread stopped (exit code ${code})`)));
  return {
    local: null,
    call: ((method: keyof Methods, ...args: unknown[]) =>
      new Promise<unknown>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, method, args });
      })) as ShardCall,
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
