import { describe, expect, it } from 'vitest';
import { encodeWrites } from '../../src/adapters/search/bulk-chunks.js';
import { tallyBulkItems } from '../../src/adapters/search/bulk-items.js';
import type { BulkOutcome, BulkWrite } from '../../src/core/ports/search-sink.js';

const outcome = (): BulkOutcome => ({ written: 0, deleted: 0, stale: 0, retries: 0, throttled: 0, splits: 0, rejected: [], tookMs: 0 });

describe('tallyBulkItems', () => {
  it('counts written, deleted, stale and already-gone items, resends throttled and unavailable ones, and returns the rest as rejected', () => {
    const writes: BulkWrite[] = [
      { action: 'index', id: 'a', version: 2, doc: { x: 1 } },
      { action: 'delete', id: 'b', version: 3 },
      { action: 'index', id: 'c', version: 1, doc: { x: 1 } },
      { action: 'delete', id: 'd', version: 4 },
      { action: 'index', id: 'e', version: 5, doc: { x: 1 } },
      { action: 'index', id: 'f', version: 6, doc: { x: 1 } },
      { action: 'index', id: 'g', version: 7, doc: { x: 1 } },
    ];
    const chunk = encodeWrites('idx', writes, 'external');
    const out = outcome();
    const { retry, throttled } = tallyBulkItems(
      [
        { index: { status: 201 } },
        { delete: { status: 200 } },
        { index: { status: 409 } },
        { delete: { status: 404 } },
        { index: { status: 429 } },
        { index: { status: 503 } },
        { index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [x]' } } },
      ],
      chunk,
      out,
    );
    expect(out).toMatchObject({ written: 1, deleted: 2, stale: 1 });
    expect(retry.map((r) => r.write.id)).toEqual(['e', 'f']);
    expect(throttled).toBe(1);
    expect(out.rejected).toEqual([
      { id: 'g', action: 'index', version: 7, status: 400, reason: expect.stringContaining('failed to parse field [x]') },
    ]);
  });
});

describe('encodeWrites', () => {
  it('writes each action line and document as the JSON the engines parse, whatever the id holds', () => {
    const writes: BulkWrite[] = [
      { action: 'index', id: 'p-1', version: 3, doc: { title: 'Tea "green"', n: 1 } },
      { action: 'delete', id: 'we"ird\\id\u2028ü', version: 9007199254740991 },
    ];
    const encoded = encodeWrites('products_v1_"x', writes, 'external_gte');
    expect(
      encoded.map((e) =>
        e.ndjson
          .split('\n')
          .slice(0, -1)
          .map((line) => JSON.parse(line) as unknown),
      ),
    ).toEqual([
      [{ index: { _index: 'products_v1_"x', _id: 'p-1', version: 3, version_type: 'external_gte' } }, { title: 'Tea "green"', n: 1 }],
      [{ delete: { _index: 'products_v1_"x', _id: 'we"ird\\id\u2028ü', version: 9007199254740991, version_type: 'external_gte' } }],
    ]);
    expect(encoded.map((e) => e.bytes)).toEqual(encoded.map((e) => Buffer.byteLength(e.ndjson)));
  });
});
