import { describe, expect, it } from 'vitest';
import { readInChunks } from '../../src/app/read-in-chunks.js';
import type { SearchSink, StoredDoc } from '../../src/core/ports/search-sink.js';

/** A sink whose index holds the even-numbered ids (its `failAt`-th read fails); records each read's size and the reads in flight. */
function evenSink(failAt?: number) {
  const reads: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sink = {
    async getMany(_index: string, ids: readonly string[]) {
      const nth = reads.push(ids.length);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (nth === failAt) throw new Error('engine gone');
      const out = new Map<string, StoredDoc>();
      for (const id of ids) if (Number(id) % 2 === 0) out.set(id, { id, version: 1, doc: { id } });
      return out;
    },
  } as unknown as SearchSink;
  return { sink, reads, maxInFlight: () => maxInFlight };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));

describe('readInChunks: many real-time reads, bounded in size and concurrency', () => {
  it('reads every id once, 1000 per request, one request at a time by default', async () => {
    const { sink, reads, maxInFlight } = evenSink();
    const seen = new Map<string, boolean>();
    await readInChunks(sink, 'i', ids(2500), (chunk, docs) => chunk.forEach((id) => seen.set(id, docs.has(id))));
    expect(reads).toEqual([1000, 1000, 500]);
    expect(maxInFlight()).toBe(1);
    expect(seen.size).toBe(2500);
    expect([...seen].filter(([, found]) => found)).toHaveLength(1250);
  });

  it('runs up to `lanes` reads at once', async () => {
    const { sink, reads, maxInFlight } = evenSink();
    await readInChunks(sink, 'i', ids(5000), () => undefined, 3);
    expect(reads).toHaveLength(5);
    expect(maxInFlight()).toBe(3);
  });

  it('no ids: no request', async () => {
    const { sink, reads } = evenSink();
    await readInChunks(sink, 'i', [], () => undefined, 3);
    expect(reads).toEqual([]);
  });

  it('the first failure is thrown and no lane starts another read', async () => {
    const { sink, reads } = evenSink(2);
    await expect(readInChunks(sink, 'i', ids(10_000), () => undefined, 2)).rejects.toThrow('engine gone');
    expect(reads.length).toBeLessThan(4);
  });
});
