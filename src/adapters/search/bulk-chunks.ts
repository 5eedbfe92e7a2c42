import type { BulkWrite } from '../../core/ports/search-sink.js';

/** One write as the NDJSON lines of a bulk body, serialized once, with its size in bytes. */
export interface EncodedWrite {
  write: BulkWrite;
  ndjson: string;
  bytes: number;
}

export function encodeWrites(index: string, writes: readonly BulkWrite[], versionType: string): EncodedWrite[] {
  // The action line differs only by id and version: its fixed parts are quoted once per call, not
  // built as an object and stringified per write (every document of a rebuild passes here).
  const target = `:{"_index":${JSON.stringify(index)},"_id":`;
  const tail = `,"version_type":${JSON.stringify(versionType)}}}`;
  return writes.map((w) => {
    const meta = `{${JSON.stringify(w.action)}${target}${JSON.stringify(w.id)},"version":${JSON.stringify(w.version)}${tail}`;
    const ndjson = w.action === 'index' ? `${meta}\n${JSON.stringify(w.doc)}\n` : `${meta}\n`;
    return { write: w, ndjson, bytes: Buffer.byteLength(ndjson) };
  });
}

/**
 * Removes and returns the longest prefix of `pending` that fits both limits; at least one write, so a
 * single document larger than `maxBytes` still goes out alone (and the engine says what it thinks).
 */
export function takeChunk(pending: EncodedWrite[], maxWrites: number, maxBytes: number): EncodedWrite[] {
  let n = 0;
  let bytes = 0;
  while (n < pending.length && n < maxWrites && (n === 0 || bytes + pending[n]!.bytes <= maxBytes)) {
    bytes += pending[n]!.bytes;
    n++;
  }
  return pending.splice(0, Math.max(1, n));
}

export const chunkBytes = (chunk: readonly EncodedWrite[]) => chunk.reduce((n, e) => n + e.bytes, 0);

/** "100mb", "1gb", "512kb", "1048576b" (the engines' byte-size settings) -> bytes. */
export function parseByteSize(text: unknown): number | undefined {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}
