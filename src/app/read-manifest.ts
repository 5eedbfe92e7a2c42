import { SinkUnavailableError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { MANIFEST_KEY, type RunManifest } from '../core/rebuild/run-manifest.js';

/**
 * The run manifest of an index: undefined only when the index has none at all (readmodel did not build
 * it). A manifest that is there but not readable is an error: no decision is taken on a guess.
 */
export async function readManifest(sink: SearchSink, index: string): Promise<RunManifest | undefined> {
  const meta = await sink.getMeta(index);
  const m = meta[MANIFEST_KEY] as Partial<RunManifest> | undefined;
  if (m === undefined) return undefined;
  if (typeof m !== 'object' || m === null || typeof m.model !== 'string' || (m.status !== 'building' && m.status !== 'complete')) {
    throw new SinkUnavailableError(`the readmodel manifest of ${index} is not readable`, {
      code: 'UNREADABLE_STATE',
      context: { index, manifest: JSON.stringify(m).slice(0, 300) },
      suggestion: `nothing was changed. Inspect GET /${index}/_mapping (its _meta.${MANIFEST_KEY}); if the index is not needed, delete it by hand`,
    });
  }
  return m as RunManifest;
}

export async function writeManifest(sink: SearchSink, index: string, manifest: RunManifest): Promise<void> {
  await sink.putMeta(index, { [MANIFEST_KEY]: manifest });
}
