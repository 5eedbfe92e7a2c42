import { SinkUnavailableError } from '../../core/errors.js';
import type { SuggestHit } from '../../core/ports/search-sink.js';
import type { SearchResponse } from './search-transport.js';

/**
 * Strict readers of the engine's answers about state (aliases, mappings, manifests, documents).
 * A destructive decision is only ever taken on an answer we fully understood: a 200 with no body, a
 * body of the wrong shape or an unexpected status is an error, never "nothing there". (An Elasticsearch
 * client talking to OpenSearch once turned every read into an empty 200, and the live index was deleted
 * as "incomplete".)
 */
export function unreadable(what: string, node: string, detail: string): SinkUnavailableError {
  return new SinkUnavailableError(`could not read ${what}: the search engine's answer was not understood (${detail})`, {
    code: 'UNREADABLE_STATE',
    context: { node, what, answer: detail },
    suggestion:
      'nothing was changed. Check that search.engine matches the node (opensearch vs elasticsearch), that the URL points at the cluster itself (no proxy rewriting answers), and retry',
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(res: SearchResponse): string {
  const body = res.body === undefined || res.body === null || res.body === '' ? 'no body' : JSON.stringify(res.body).slice(0, 200);
  return `HTTP ${res.status}, ${body}`;
}

/** `GET /_alias/<alias>`: the indices it points at; [] only on the engine's own "alias missing" answer. */
export function aliasTargetsOf(res: SearchResponse, alias: string, node: string): string[] {
  if (res.status === 404 && isObject(res.body) && /missing/.test(String(res.body.error ?? ''))) return [];
  if (res.status !== 200 || !isObject(res.body)) throw unreadable(`alias ${alias}`, node, describe(res));
  const out: string[] = [];
  for (const [index, entry] of Object.entries(res.body)) {
    if (!isObject(entry) || !isObject(entry.aliases) || !(alias in entry.aliases)) {
      throw unreadable(`alias ${alias}`, node, describe(res));
    }
    out.push(index);
  }
  return out.sort();
}

/** `GET /<index>/_alias`: every alias of one index. */
export function aliasesOfIndex(res: SearchResponse, index: string, node: string): string[] {
  const entry = isObject(res.body) ? res.body[index] : undefined;
  if (res.status !== 200 || !isObject(entry) || !isObject(entry.aliases)) throw unreadable(`the aliases of ${index}`, node, describe(res));
  return Object.keys(entry.aliases).sort();
}

/**
 * `GET /<index>/_mapping`: the mapping of the one concrete index answering to the name (an alias name
 * answers under its index's name).
 */
export function mappingOf(res: SearchResponse, index: string, node: string): Record<string, unknown> {
  const keys = isObject(res.body) ? Object.keys(res.body) : [];
  const entry = isObject(res.body) ? (res.body[index] ?? (keys.length === 1 ? res.body[keys[0]!] : undefined)) : undefined;
  if (res.status !== 200 || !isObject(entry) || !isObject(entry.mappings)) throw unreadable(`the mapping of ${index}`, node, describe(res));
  return entry.mappings;
}

/** `HEAD /<index>`: 200 exists, 404 absent, anything else is not an answer. */
export function existsOf(res: SearchResponse, index: string, node: string): boolean {
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw unreadable(`whether index ${index} exists`, node, describe(res));
}

/** `POST /<index>/_mget`: every id must come back, found or not. */
export function mgetDocsOf(res: SearchResponse, index: string, count: number, node: string): Array<Record<string, unknown>> {
  const docs = isObject(res.body) ? res.body.docs : undefined;
  if (
    res.status !== 200 ||
    !Array.isArray(docs) ||
    docs.length !== count ||
    !docs.every((d) => isObject(d) && typeof d.found === 'boolean')
  ) {
    throw unreadable(`${count} documents of ${index}`, node, describe(res));
  }
  return docs as Array<Record<string, unknown>>;
}

/** `_count`: a number, or an error. */
export function countOf(res: SearchResponse, index: string, node: string): number {
  const n = isObject(res.body) ? res.body.count : undefined;
  if (res.status !== 200 || typeof n !== 'number') throw unreadable(`the document count of ${index}`, node, describe(res));
  return n;
}

/** `_search` hits: every hit has an id, an index and a `_source` object (a missing list is not "none"). */
export function searchHitsOf(res: SearchResponse, index: string, node: string): SuggestHit[] {
  const hits = isObject(res.body) && isObject(res.body.hits) ? res.body.hits.hits : undefined;
  if (res.status !== 200 || !Array.isArray(hits)) throw unreadable(`search results from ${index}`, node, describe(res));
  return hits.map((h: unknown) => {
    if (!isObject(h) || typeof h._id !== 'string' || typeof h._index !== 'string' || !isObject(h._source)) {
      throw unreadable(`search results from ${index}`, node, describe(res));
    }
    return { id: h._id, index: h._index, score: typeof h._score === 'number' ? h._score : null, doc: h._source };
  });
}
