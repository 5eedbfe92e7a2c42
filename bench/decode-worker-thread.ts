// The worker side of bench-decode-worker.ts: decodes and validates record values as a rebuild's main
// thread does, and posts the envelopes back. Either it is sent each batch's bytes, or (`own`) it is
// given every value up front and asked for batch i, as a worker owning the Kafka source would be.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadModelAssets } from '../src/app/model-assets.js';
import { productSearchModel } from '../src/core/read-models/product-search/model.js';
import { ROOT } from './bench-support.js';

const { validator } = await loadModelAssets(productSearchModel, { contractsDir: path.join(ROOT, 'contracts'), packageRoot: ROOT });
const decoder = new TextDecoder();
let own: Uint8Array[] = [];

function decode(values: readonly Uint8Array[]): unknown[] {
  const envelopes: unknown[] = [];
  for (const v of values) {
    const out = validator.validate(JSON.parse(decoder.decode(v)));
    if (out.ok) envelopes.push(out.envelope);
  }
  return envelopes;
}

parentPort!.on('message', (m: { own: Uint8Array[] } | { from: number; to: number } | Uint8Array[]) => {
  if (Array.isArray(m)) parentPort!.postMessage(decode(m));
  else if ('own' in m) {
    own = m.own;
    parentPort!.postMessage('owned');
  } else parentPort!.postMessage(decode(own.slice(m.from, m.to)));
});
parentPort!.postMessage('ready');
