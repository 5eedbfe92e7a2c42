import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

const MOD = 1n << 128n;

/**
 * The one definition of a document's share of an index checksum: the first 128 bits of
 * SHA-256(id, NUL, canonical JSON of the document), as an unsigned integer.
 */
export function documentHash(id: string, doc: unknown): bigint {
  const h = createHash('sha256').update(id).update('\0').update(canonicalJson(doc)).digest();
  return h.readBigUInt64BE(0) * (1n << 64n) + h.readBigUInt64BE(8);
}

/**
 * An order-independent checksum of a set of documents: their count and the sum of their hashes
 * modulo 2^128. Sums of disjoint sets add up (shards merge), and a document replaced or deleted is
 * taken out by subtracting its hash (the checksum as written follows the writes).
 */
export interface ChecksumSum {
  count: number;
  sum: bigint;
}

export const EMPTY_SUM: ChecksumSum = { count: 0, sum: 0n };

export function addHash(s: ChecksumSum, h: bigint, sign: 1 | -1 = 1): ChecksumSum {
  return { count: s.count + sign, sum: (((s.sum + BigInt(sign) * h) % MOD) + MOD) % MOD };
}

export function mergeSums(parts: readonly ChecksumSum[]): ChecksumSum {
  let sum = 0n;
  let count = 0;
  for (const p of parts) {
    sum = (sum + p.sum) % MOD;
    count += p.count;
  }
  return { count, sum };
}

/** `<count>:<32 hex digits>`: the form manifests and `diff` print. */
export function formatChecksum(s: ChecksumSum): string {
  return `${s.count}:${s.sum.toString(16).padStart(32, '0')}`;
}

/** The inverse of formatChecksum; undefined for anything else (callers say what was unreadable). */
export function parseChecksum(text: string): ChecksumSum | undefined {
  const m = /^(\d+):([0-9a-f]{32})$/.exec(text);
  return m ? { count: Number(m[1]), sum: BigInt(`0x${m[2]}`) } : undefined;
}

/** Checksums a set of documents read one by one (the verify path: a scan of the index). */
export interface ContentChecksum {
  add(id: string, doc: unknown): void;
  readonly count: number;
  readonly value: ChecksumSum;
  digest(): string;
}

export function createContentChecksum(): ContentChecksum {
  let s = EMPTY_SUM;
  return {
    add(id, doc) {
      s = addHash(s, documentHash(id, doc));
    },
    get count() {
      return s.count;
    },
    get value() {
      return s;
    },
    digest: () => formatChecksum(s),
  };
}
