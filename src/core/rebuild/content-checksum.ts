import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

const MOD = 1n << 128n;

/**
 * An order-independent checksum of an index: the sum, modulo 2^128, of a hash of every (id, document).
 * Two indices with the same documents get the same checksum whatever order they were written or read in.
 */
export interface ContentChecksum {
  add(id: string, doc: unknown): void;
  readonly count: number;
  digest(): string;
}

export function createContentChecksum(): ContentChecksum {
  let sum = 0n;
  let count = 0;
  return {
    add(id, doc) {
      const h = createHash('sha256').update(id).update('\0').update(canonicalJson(doc)).digest();
      sum = (sum + h.readBigUInt64BE(0) * (1n << 64n) + h.readBigUInt64BE(8)) % MOD;
      count++;
    },
    get count() {
      return count;
    },
    digest: () => `${count}:${sum.toString(16).padStart(32, '0')}`,
  };
}
