import { runRebuild, type RebuildDeps, type RebuildOptions } from '../../src/app/run-rebuild.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from './assets.js';
import { kafkaSource } from './services.js';

/** A default rebuild of `model` from earliest to the snapshot; `deps` replaces the source, progress or lease timing. */
export async function rebuild(
  model: ReadModelDefinition,
  sink: SearchSink,
  over: Partial<RebuildOptions> = {},
  deps: Partial<Omit<RebuildDeps, 'sink'>> = {},
) {
  const source = kafkaSource();
  try {
    return await runRebuild(
      {
        assets: await assetsFor(model),
        start: { kind: 'earliest' },
        end: { kind: 'snapshot' },
        onInvalid: 'stop',
        force: false,
        toolVersion: 'test',
        replicas: 0,
        ...over,
      },
      { source, sink, progress: createProgressBus(), ...deps },
    );
  } finally {
    await source.close();
  }
}

/** Every document of an index, by id: what "identical documents" is checked against. */
export async function allDocs(sink: SearchSink, index: string, sortField = 'productId') {
  await sink.refresh(index);
  const out = new Map<string, Record<string, unknown>>();
  for await (const page of sink.scan(index, { sortField })) for (const d of page) out.set(d.id, d.doc);
  return out;
}
