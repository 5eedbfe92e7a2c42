import { describe, expect, it } from 'vitest';
import { searchAnswerOf } from '../../src/adapters/search/search-answer.js';
import type { ReadmodelError } from '../../src/core/errors.js';

const NODE = 'http://127.0.0.1:9200';
const hit = { _id: 'p1', _score: 1.5, _version: 3, _source: { productId: 'p1' } };
const answer = (over: Record<string, unknown> = {}) => ({
  took: 1,
  hits: { total: { value: 1, relation: 'eq' }, hits: [hit] },
  aggregations: { availability: { buckets: [{ key: 'in_stock', doc_count: 1 }] } },
  ...over,
});

function unreadableOf(fn: () => unknown): ReadmodelError {
  try {
    fn();
  } catch (err) {
    expect((err as ReadmodelError).code).toBe('UNREADABLE_STATE');
    expect((err as ReadmodelError).exitCode).toBe(6);
    return err as ReadmodelError;
  }
  throw new Error('expected UNREADABLE_STATE');
}

describe('reading a query answer', () => {
  it('reads hits, scores, the exact total and the buckets asked for', () => {
    const r = searchAnswerOf({ status: 200, body: answer() }, 'idx', ['availability'], NODE);
    expect(r).toEqual({
      total: 1,
      hits: [{ id: 'p1', score: 1.5, version: 3, doc: { productId: 'p1' } }],
      aggregations: { availability: [{ key: 'in_stock', count: 1 }] },
    });
  });

  it('takes key_as_string (booleans, dates), range bounds, null scores and a numeric total (OpenSearch rest_total_hits_as_int)', () => {
    const r = searchAnswerOf(
      {
        status: 200,
        body: answer({
          hits: { total: 1, hits: [{ ...hit, _score: null }] },
          aggregations: {
            onSale: { buckets: [{ key: 1, key_as_string: 'true', doc_count: 2 }] },
            price: { buckets: [{ key: '10-25', from: 10, to: 25, doc_count: 0 }] },
          },
        }),
      },
      'idx',
      ['onSale', 'price'],
      NODE,
    );
    expect(r.hits[0]!.score).toBeNull();
    expect(r.aggregations).toEqual({ onSale: [{ key: 'true', count: 2 }], price: [{ key: '10-25', count: 0, from: 10, to: 25 }] });
  });

  it.each([
    ['an empty 200 (a client talking to the wrong engine)', { status: 200, body: '' }],
    ['no hits', { status: 200, body: { took: 1 } }],
    ['a lower-bound total', { status: 200, body: answer({ hits: { total: { value: 10000, relation: 'gte' }, hits: [] } }) }],
    ['a hit without _source', { status: 200, body: answer({ hits: { total: 1, hits: [{ _id: 'p1' }] } }) }],
    ['a facet missing', { status: 200, body: answer({ aggregations: {} }) }],
    ['a bucket without a count', { status: 200, body: answer({ aggregations: { availability: { buckets: [{ key: 'x' }] } } }) }],
    ['an unexpected status', { status: 204, body: undefined }],
  ])('%s is UNREADABLE_STATE, never "no results"', (_what, res) => {
    const err = unreadableOf(() => searchAnswerOf(res, 'idx', ['availability'], NODE));
    expect(err.message).toContain('the query answer of idx');
  });
});
