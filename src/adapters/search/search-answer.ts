import type { AggregationBucket, SearchAnswer, SearchHit } from '../../core/ports/search-sink.js';
import type { SearchResponse } from './search-transport.js';
import { unreadable } from './state-answers.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hitOf(h: unknown): SearchHit | undefined {
  if (!isObject(h) || typeof h._id !== 'string' || !isObject(h._source)) return undefined;
  if (h._score !== null && h._score !== undefined && typeof h._score !== 'number') return undefined;
  return { id: h._id, score: typeof h._score === 'number' ? h._score : null, version: Number(h._version), doc: h._source };
}

function bucketOf(b: unknown): AggregationBucket | undefined {
  if (!isObject(b) || typeof b.doc_count !== 'number') return undefined;
  const key = typeof b.key_as_string === 'string' ? b.key_as_string : b.key;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  return {
    key: String(key),
    count: b.doc_count,
    ...(typeof b.from === 'number' ? { from: b.from } : {}),
    ...(typeof b.to === 'number' ? { to: b.to } : {}),
  };
}

/**
 * `POST /<index>/_search` for a query: every hit must carry an id and a source, the total must be a
 * number (exact totals were asked for), and every aggregation asked for must come back as buckets.
 * Anything else is UNREADABLE_STATE: an answer we do not understand is never shown as "no results".
 */
export function searchAnswerOf(res: SearchResponse, index: string, aggregationNames: readonly string[], node: string): SearchAnswer {
  const fail = (detail: string) => unreadable(`the query answer of ${index}`, node, `HTTP ${res.status}, ${detail}`);
  if (res.status !== 200 || !isObject(res.body)) throw fail(res.body === undefined || res.body === '' ? 'no body' : 'not a search answer');
  const hitsObject = res.body.hits;
  if (!isObject(hitsObject) || !Array.isArray(hitsObject.hits)) throw fail('no hits');
  const rawTotal = hitsObject.total;
  const total = typeof rawTotal === 'number' ? rawTotal : isObject(rawTotal) && rawTotal.relation === 'eq' ? rawTotal.value : undefined;
  if (typeof total !== 'number') throw fail(`no exact total (${JSON.stringify(rawTotal)})`);
  const hits = hitsObject.hits.map(hitOf);
  if (hits.some((h) => h === undefined)) throw fail('a hit without _id or _source');
  const aggregations: Record<string, AggregationBucket[]> = {};
  for (const name of aggregationNames) {
    const agg = isObject(res.body.aggregations) ? res.body.aggregations[name] : undefined;
    const buckets = isObject(agg) && Array.isArray(agg.buckets) ? agg.buckets.map(bucketOf) : undefined;
    if (!buckets || buckets.some((b) => b === undefined)) throw fail(`no buckets for the facet "${name}"`);
    aggregations[name] = buckets as AggregationBucket[];
  }
  return { total, hits: hits as SearchHit[], aggregations };
}
