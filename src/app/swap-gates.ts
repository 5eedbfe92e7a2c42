import type { GateConfig } from '../config/config-types.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import type { SwapGate } from './run-alias.js';
import { runDiff } from './run-diff.js';

export const DEFAULT_GATES: Required<GateConfig> = { maxCountDrift: 0.1, maxChangedShare: 0.5 };

/** The document count of the new index must be within a tolerance of the live one's. */
export function countDriftGate(sink: SearchSink, maxDrift: number): SwapGate {
  return gate('document count drift', async ({ from, to }) => {
    if (!from) return [];
    const [a, b] = await Promise.all([sink.count(from), sink.count(to)]);
    const drift = a === 0 ? (b === 0 ? 0 : 1) : Math.abs(b - a) / a;
    return drift > maxDrift
      ? [`document count drift ${(drift * 100).toFixed(1)}% (${a} live -> ${b} new) exceeds ${(maxDrift * 100).toFixed(1)}%`]
      : [];
  });
}

/** Every smoke query declared for the model must find at least its minimum of hits in the new index. */
export function smokeQueryGate(sink: SearchSink, model: ReadModelDefinition): SwapGate {
  return gate('smoke queries', async ({ to }) => {
    const reasons: string[] = [];
    await sink.refresh(to);
    for (const q of model.smokeQueries) {
      const r = await sink.search(to, { size: 0, query: q.query, track_total_hits: true });
      const min = q.minHits ?? 1;
      if (r.total < min) reasons.push(`smoke query "${q.name}" found ${r.total} documents, needs at least ${min}`);
    }
    return reasons;
  });
}

/** The share of documents the new index adds, drops or changes against the live one must stay below a threshold. */
export function changedShareGate(sink: SearchSink, model: ReadModelDefinition, maxShare: number): SwapGate {
  return gate('changed documents', async ({ from, to }) => {
    if (!from || maxShare >= 1) return [];
    const d = await runDiff({ model, from, to, show: 0, ignoreFields: ['/lastEventAt'] }, { sink });
    return d.changedShare > maxShare
      ? [
          `${(d.changedShare * 100).toFixed(1)}% of documents differ from the live index (${d.changed.count} changed, ${d.onlyInFrom.count} gone, ${d.onlyInTo.count} new) exceeds ${(maxShare * 100).toFixed(1)}%`,
        ]
      : [];
  });
}

/** The manifest must say complete (also checked by the swap itself, before any gate). */
export const completeManifestGate: SwapGate = gate('complete build', async ({ manifest }) =>
  manifest.status === 'complete' ? [] : [`the index manifest says ${manifest.status}, not complete`],
);

function gate(name: string, check: SwapGate['check']): SwapGate {
  return { name, check };
}

/** A build that lost history (acknowledged with --allow-truncated-history) is not the read model of its events. */
export const historyGapGate: SwapGate = gate('complete history', async ({ manifest }) =>
  (manifest.historyGaps ?? []).map(
    (g) =>
      `the build misses history: partition ${g.partition} offsets ${g.from}..${g.to - 1} (${g.to - g.from} events) were gone from Kafka (built with --allow-truncated-history)`,
  ),
);

export function gatesFor(model: ReadModelDefinition, config: GateConfig | undefined, sink: SearchSink): SwapGate[] {
  const g = { ...DEFAULT_GATES, ...(config ?? {}) };
  return [
    completeManifestGate,
    historyGapGate,
    countDriftGate(sink, g.maxCountDrift),
    changedShareGate(sink, model, g.maxChangedShare),
    smokeQueryGate(sink, model),
  ];
}
