// A worker thread's entry: one shard (./shard.ts), answering the scan's calls in order.
import { parentPort, workerData } from 'node:worker_threads';
import { failureMessage } from '../config/errors.js';
import { noteV8Flags } from '../core/compile-cache.js';
import type { WorkerMessage } from './pool.js';
import type { Shard, ShardFile } from './shard.js';

const { root, files, v8Flags } = workerData as { root: string; files: ShardFile[]; v8Flags: string[] };
// The process's V8 flags are this thread's too: noted before the compiler is loaded through the code
// cache, whose file names them (../core/compile-cache.ts). Messages wait until the listener below.
noteV8Flags(v8Flags);
const { Shard: ShardClass } = await import('./shard.js');
const shard: Shard = new ShardClass(root, files);
const port = parentPort;
if (!port) throw new Error('worker.js runs as a worker thread');
port.on('message', ({ id, method, args }: { id: number; method: keyof Shard; args: unknown[] }) => {
  let reply: WorkerMessage;
  try {
    reply = { id, result: (shard[method] as (...a: unknown[]) => unknown).apply(shard, args) };
  } catch (err) {
    const stack = err instanceof Error ? err.stack : undefined;
    reply = { id, error: { message: failureMessage(err), ...(stack ? { stack } : {}) } };
  }
  port.postMessage(reply);
});
