import type { EventEnvelope } from '../core/envelope.js';
import type { RawRecord } from '../core/ports/event-source.js';
import type { DocState } from '../core/projections/projection.js';

export interface HistoryGap {
  id: string;
  aggregateId: string;
  partition: number;
  /** Fold the aggregate's events strictly before this offset. */
  beforeOffset: number;
  storedVersion: number;
}

/**
 * Documents whose first event in the batch is not the next version after the stored state: the
 * stored document is missing history (events written elsewhere, e.g. to the old index at a cutover).
 */
export function findHistoryGaps(
  events: readonly EventEnvelope[],
  sources: readonly RawRecord[],
  prior: ReadonlyMap<string, DocState | undefined>,
  documentId: (e: EventEnvelope) => string,
): HistoryGap[] {
  const gaps: HistoryGap[] = [];
  const seen = new Set<string>();
  events.forEach((e, i) => {
    const id = documentId(e);
    if (seen.has(id)) return;
    seen.add(id);
    const stored = prior.get(id)?.version ?? 0;
    if (e.aggregateVersion > stored + 1) {
      gaps.push({
        id,
        aggregateId: e.aggregateId,
        partition: sources[i]!.partition,
        beforeOffset: sources[i]!.offset,
        storedVersion: stored,
      });
    }
  });
  return gaps;
}
