import { ExitCode, ReadmodelError, UsageError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { readManifest } from './read-manifest.js';
import { resolveReadTarget, type ReadTarget } from './read-target.js';

export interface GetOptions {
  model: ReadModelDefinition;
  id: string;
  /** Read this index instead of the one behind the alias. */
  index?: string;
}

/** The build a document lives in, from the index's run manifest (absent: readmodel did not build the index). */
export interface BuildInfo {
  model: string;
  status: 'building' | 'complete';
  buildHash: string;
  mappingFile: string;
  projection: { name: string; version: number };
  toolVersion: string;
  topic: string;
  startedAt: string;
  finishedAt: string | null;
  /** Set when the build was exposed by `rebuild --swap`. */
  swappedAt: string | null;
}

export interface GetResult extends ReadTarget {
  model: string;
  id: string;
  /** The engine's stored version: the external version, i.e. the aggregate version of the last event applied. */
  version: number;
  lastAggregateVersion: number | null;
  lastEventAt: string | null;
  build: BuildInfo | null;
  document: Record<string, unknown>;
}

/** Ids are sent in a URL path or an mget body: refuse what no projection produces rather than guess. */
const MAX_ID_BYTES = 512;

/**
 * One document as the read side holds it, with what on-call checks first when it "looks wrong": the
 * version and time of the last event applied, and the build and index it lives in (live or not).
 */
export async function runGet(o: GetOptions, deps: { sink: SearchSink }): Promise<GetResult> {
  if (o.id.length === 0 || new TextEncoder().encode(o.id).length > MAX_ID_BYTES) {
    throw new UsageError(`"${o.id.slice(0, 40)}" is not a document id: ids are 1 to ${MAX_ID_BYTES} bytes`, { code: 'INVALID_VALUE' });
  }
  const { sink } = deps;
  const target = await resolveReadTarget(sink, o.model, o.index);
  // Real-time: a document written a moment ago is seen before the next refresh.
  const found = (await sink.getMany(target.index, [o.id])).get(o.id);
  if (!found) {
    throw new ReadmodelError(
      `${o.model.name} has no document ${o.id} in ${target.index}${target.live ? ` (live behind ${target.alias})` : ''}`,
      {
        code: 'DOCUMENT_NOT_FOUND',
        exitCode: ExitCode.failure,
        context: { model: o.model.name, id: o.id, index: target.index, live: target.live },
        suggestion: `it was never created or was deleted by its events; see what its events produce with: readmodel replay ${o.model.name} --aggregate-id ${o.id} --dry-run`,
      },
    );
  }
  const manifest = await readManifest(sink, target.index);
  const doc = found.doc;
  return {
    model: o.model.name,
    id: o.id,
    ...target,
    version: found.version,
    lastAggregateVersion: typeof doc.lastAggregateVersion === 'number' ? doc.lastAggregateVersion : null,
    lastEventAt: typeof doc.lastEventAt === 'string' ? doc.lastEventAt : null,
    build: manifest
      ? {
          model: manifest.model,
          status: manifest.status,
          buildHash: manifest.buildHash,
          mappingFile: manifest.mappingFile,
          projection: manifest.projection,
          toolVersion: manifest.toolVersion,
          topic: manifest.topic,
          startedAt: manifest.startedAt,
          finishedAt: manifest.finishedAt ?? null,
          swappedAt: manifest.cutover?.swappedAt ?? null,
        }
      : null,
    document: doc,
  };
}
