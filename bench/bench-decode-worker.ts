import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { EventValidator } from '../src/core/contracts/event-validator.js';

const BATCH = 2000;

export interface DecodeWorkerFigures {
  events: number;
  /** Main-thread µs per event to decode (UTF-8 + JSON.parse) and validate in the main thread, as a rebuild does. */
  inProcessUs: number;
  /** Main-thread µs per event with a worker doing that: sending it the bytes, receiving the envelopes. */
  sentMainUs: number;
  sentWorkerUs: number;
  /** Main-thread µs per event only receiving the envelopes, as with a worker that reads Kafka itself. */
  ownedMainUs: number;
  ownedWorkerUs: number;
}

/**
 * Whether a decode + validate worker thread would free the main thread, measured rather than assumed:
 * the same record values decoded and validated in the main thread, then by a worker that posts the
 * envelopes back (structured clone), two batches in flight. What counts is the main thread's busy
 * time: in a rebuild it is the bottleneck, and the second core is shared with the engine.
 */
export async function benchDecodeWorker(values: readonly Buffer[], validator: EventValidator): Promise<DecodeWorkerFigures> {
  const n = values.length;
  const t = performance.now();
  for (const v of values) validator.validate(JSON.parse(v.toString('utf8')));
  const inProcessUs = ((performance.now() - t) * 1000) / n;

  const worker = new Worker(new URL('./decode-worker-thread.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  const reply = () =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  try {
    await reply();
    // Copies, as a source in the main thread would have to send: its fetch buffers stay there.
    const sent = await exchange(worker, n, (from, to) => worker.postMessage(values.slice(from, to).map((v) => new Uint8Array(v))));
    worker.postMessage({ own: values.map((v) => new Uint8Array(v)) });
    await reply();
    const owned = await exchange(worker, n, (from, to) => worker.postMessage({ from, to }));
    return {
      events: n,
      inProcessUs,
      sentMainUs: sent.mainUs,
      sentWorkerUs: sent.workerUs,
      ownedMainUs: owned.mainUs,
      ownedWorkerUs: owned.workerUs,
    };
  } finally {
    await worker.terminate();
  }
}

/** Asks for every batch, two in flight, and measures both threads' busy time per event. */
async function exchange(worker: Worker, n: number, ask: (from: number, to: number) => void) {
  const mainBefore = performance.eventLoopUtilization();
  const workerBefore = worker.performance.eventLoopUtilization();
  let asked = 0;
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      if (asked >= n) return;
      ask(asked, Math.min(n, asked + BATCH));
      asked += BATCH;
    };
    const onMessage = (envelopes: unknown[]) => {
      received += BATCH;
      if (envelopes.length === 0) return reject(new Error('the worker validated no event'));
      if (received < n) return next();
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    next();
    next();
  });
  const mainMs = performance.eventLoopUtilization(mainBefore).active;
  const workerMs = worker.performance.eventLoopUtilization(workerBefore).active;
  return { mainUs: (mainMs * 1000) / n, workerUs: (workerMs * 1000) / n };
}
