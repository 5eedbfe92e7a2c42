import type { GateConfig } from '../config/config-types.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import type { SwapGate } from './run-alias.js';

export const DEFAULT_GATES: Required<GateConfig> = { maxCountDrift: 0.1, maxChangedShare: 0.5 };

/** The document count of the new index must be within a tolerance of the live one's. */
export function countDriftGate(sink: SearchSink, maxDrift: number): SwapGate {
  return async ({ from, to }) => {
    if (!from) return [];
    const [a, b] = await Promise.all([sink.count(from), sink.count(to)]);
    const drift = a === 0 ? (b === 0 ? 0 : 1) : Math.abs(b - a) / a;
    return drift > maxDrift
      ? [`document count drift ${(drift * 100).toFixed(1)}% (${a} live -> ${b} new) exceeds ${(maxDrift * 100).toFixed(1)}%`]
      : [];
  };
}

/** Every smoke query declared for the model must find at least its minimum of hits in the new index. */
export function smokeQueryGate(sink: SearchSink, model: ReadModelDefinition): SwapGate {
  return async ({ to }) => {
    const reasons: string[] = [];
    await sink.refresh(to);
    for (const q of model.smokeQueries) {
      const r = await sink.search(to, { size: 0, query: q.query, track_total_hits: true });
      const min = q.minHits ?? 1;
      if (r.total < min) reasons.push(`smoke query "${q.name}" found ${r.total} documents, needs at least ${min}`);
    }
    return reasons;
  };
}

export function gatesFor(model: ReadModelDefinition, config: GateConfig | undefined, sink: SearchSink): SwapGate[] {
  const g = { ...DEFAULT_GATES, ...(config ?? {}) };
  return [countDriftGate(sink, g.maxCountDrift), smokeQueryGate(sink, model)];
}
