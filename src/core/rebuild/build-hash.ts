import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { EventContract } from '../contracts/contract-types.js';

export interface BuildInputs {
  mapping: unknown;
  projectionName: string;
  projectionVersion: number;
  /** Only the contracts of the event types the projection handles: others cannot change its output. */
  contracts: readonly EventContract[];
}

/**
 * The identity of a build: the same mapping, projection version and contract set always give the same
 * hash, and any change to them gives a new index name, so a changed build never overwrites an old one.
 */
export function buildHash(inputs: BuildInputs): string {
  const contracts = [...inputs.contracts].sort((a, b) => a.file.localeCompare(b.file)).map((c) => ({ file: c.file, schema: c.schema }));
  const h = createHash('sha256');
  h.update(canonicalJson({ mapping: inputs.mapping, projection: [inputs.projectionName, inputs.projectionVersion], contracts }));
  return h.digest('hex').slice(0, 10);
}

export function versionedIndexName(indexBase: string, mappingVersion: number, hash: string): string {
  return `${indexBase}_v${mappingVersion}_${hash}`;
}

/** `mappings/product_search.v3.json` (or a variant, `product_search.v3.analysis-common.json`) -> 3. */
export function mappingVersionOf(file: string): number {
  const m = /\.v(\d+)(?:\.[a-z0-9-]+)?\.json$/.exec(file);
  if (!m) throw new Error(`mapping file name must end in .v<N>.json or .v<N>.<variant>.json: ${file}`);
  return Number(m[1]);
}
