import { ExitCode, isReadmodelError, SinkRejectedError } from '../core/errors.js';
import type { BuildSummary, ReadFailure, ReadModelObservation } from '../core/lag/read-model-health.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { EVENT_TIME_FIELD } from '../core/projections/projection.js';
import { MANIFEST_KEY } from '../core/rebuild/run-manifest.js';

export function readFailure(err: unknown): ReadFailure {
  if (isReadmodelError(err)) {
    // "failed 8 times" alone does not say why; the last low-level error does (connection refused, 401, ...).
    const last = err.context.lastError;
    const message = typeof last === 'string' && !err.message.includes(last) ? `${err.message} (${last})` : err.message;
    return { code: err.code, message, exitCode: err.exitCode };
  }
  return { code: 'LAG_READ_FAILED', message: err instanceof Error ? err.message : String(err), exitCode: ExitCode.failure };
}

function failed(err: unknown, what: string, indices?: string[]): ReadModelObservation {
  const error = readFailure(err);
  if (error.exitCode === ExitCode.sinkUnavailable) return { kind: 'engine-unreachable', error };
  return { kind: 'read-failed', what, error, ...(indices ? { indices } : {}) };
}

/**
 * Asks the node who it is. A node of the other engine (or one answering through the wrong client,
 * whose product check turns every answer into an empty 200) makes every later read meaningless: an
 * alias would read as missing and a manifest as absent. Undefined when the node is what is configured.
 */
export async function checkEngine(sink: SearchSink): Promise<ReadModelObservation | undefined> {
  try {
    const info = await sink.info();
    if (!info.version || info.version === 'unknown') return { kind: 'engine-unidentified' };
    // The port does not promise the check the search adapter makes: any sink may report another engine.
    if (info.engine !== sink.engine) return { kind: 'engine-mismatch', reported: info.engine, version: info.version };
    return undefined;
  } catch (err) {
    // The sink refuses a node that is not the configured engine before any read (see engine-identity).
    if (isReadmodelError(err) && err.code === 'ENGINE_MISMATCH') {
      const { foundEngine, foundVersion } = err.context;
      if (foundEngine === 'opensearch' || foundEngine === 'elasticsearch') {
        return { kind: 'engine-mismatch', reported: foundEngine, version: String(foundVersion ?? 'unknown') };
      }
      // The Elasticsearch client's own product check: the node did not say what it is.
      return { kind: 'engine-unidentified' };
    }
    return failed(err, 'identifying the search engine');
  }
}

/** A manifest summary, or why the stored value is not a readable manifest. */
function buildSummary(raw: unknown): BuildSummary | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return `_meta.${MANIFEST_KEY} is ${JSON.stringify(raw)?.slice(0, 80)}, not an object`;
  const m = raw as Record<string, unknown>;
  if (typeof m.model !== 'string' || typeof m.status !== 'string') return `_meta.${MANIFEST_KEY} has no model or status`;
  const documents = (m.counts as Record<string, unknown> | undefined)?.documents;
  return {
    status: m.status,
    model: m.model,
    ...(typeof m.finishedAt === 'string' ? { finishedAt: m.finishedAt } : {}),
    ...(typeof documents === 'number' ? { documents } : {}),
  };
}

/** Reads what is behind a model's alias: the one index, its manifest, its document count and newest event. Read-only. */
export async function observeReadModel(sink: SearchSink, alias: string, model: string): Promise<ReadModelObservation> {
  let indices: string[];
  try {
    indices = await sink.aliasTargets(alias);
  } catch (err) {
    return failed(err, `reading alias ${alias}`);
  }
  if (indices.length === 0) return { kind: 'alias-missing' };
  if (indices.length > 1) return { kind: 'alias-ambiguous', indices };
  const index = indices[0]!;

  let meta: Record<string, unknown>;
  try {
    meta = await sink.getMeta(index);
  } catch (err) {
    if (err instanceof SinkRejectedError && err.context.status === 404) return { kind: 'index-missing', index };
    const f = failed(err, `reading the manifest of ${index}`, [index]);
    return f.kind === 'engine-unreachable' ? f : { kind: 'manifest-unreadable', index, detail: readFailure(err).message };
  }
  const raw = meta[MANIFEST_KEY];
  if (raw === undefined) return { kind: 'no-manifest', index };
  const build = buildSummary(raw);
  if (typeof build === 'string') return { kind: 'manifest-unreadable', index, detail: build };
  if (build.model !== model) return { kind: 'wrong-model', index, build };
  if (build.status !== 'complete') return { kind: 'incomplete', index, build };

  try {
    const r = await sink.search(index, {
      size: 1,
      track_total_hits: true,
      _source: [EVENT_TIME_FIELD],
      sort: [{ [EVENT_TIME_FIELD]: { order: 'desc', unmapped_type: 'date' } }],
    });
    const newest = r.hits[0]?.doc?.[EVENT_TIME_FIELD];
    const t = typeof newest === 'string' ? Date.parse(newest) : NaN;
    return { kind: 'index', index, build, documents: r.total, newestEventAt: Number.isNaN(t) ? null : t };
  } catch (err) {
    return failed(err, `searching ${index}`, [index]);
  }
}
