import type { SearchSink } from '../core/ports/search-sink.js';
import { MANIFEST_KEY, type RunManifest } from '../core/rebuild/run-manifest.js';

export async function readManifest(sink: SearchSink, index: string): Promise<RunManifest | undefined> {
  const meta = await sink.getMeta(index);
  return meta[MANIFEST_KEY] as RunManifest | undefined;
}

export async function writeManifest(sink: SearchSink, index: string, manifest: RunManifest): Promise<void> {
  await sink.putMeta(index, { [MANIFEST_KEY]: manifest });
}
