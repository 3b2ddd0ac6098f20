// A worker thread's entry: one shard (./shard.ts), answering the scan's calls in order.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './pool.js';
import { failureMessage } from '../core/engine.js';
import { Shard, type ShardFile } from './shard.js';

const { root, files } = workerData as { root: string; files: ShardFile[] };
const shard = new Shard(root, files);
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
