import type { EventEnvelope } from '../core/envelope.js';
import type { EventSource } from '../core/ports/event-source.js';
import { foldAll, type DocState, type Projection } from '../core/projections/projection.js';
import type { EventValidator } from '../core/contracts/event-validator.js';
import type { HistoryGap } from './history-gaps.js';
import { decodeRecord } from './decode-record.js';

/**
 * Folds the named aggregates from their own events in Kafka, the source of truth: one scan per
 * partition, from the log start to the latest offset asked for, keeping only those aggregates'
 * events before each one's cut-off. Used only when a stored document turns out to lack history.
 */
export function createHistoryRepair(o: { source: EventSource; topic: string; validator: EventValidator; projection: Projection<any> }) {
  return async (gaps: readonly HistoryGap[]): Promise<Map<string, DocState>> => {
    const byPartition = new Map<number, HistoryGap[]>();
    for (const g of gaps) byPartition.set(g.partition, [...(byPartition.get(g.partition) ?? []), g]);
    const marks = await o.source.watermarks(o.topic);
    const out = new Map<string, DocState>();
    for (const [partition, list] of byPartition) {
      const cut = new Map(list.map((g) => [g.aggregateId, g.beforeOffset]));
      const low = marks.find((m) => m.partition === partition)?.low ?? 0;
      const end = Math.max(...list.map((g) => g.beforeOffset));
      const events: EventEnvelope[] = [];
      for await (const records of o.source.readRanges({ topic: o.topic, ranges: [{ partition, start: low, end }] })) {
        for (const r of records) {
          const before = r.key === null ? undefined : cut.get(r.key);
          if (before === undefined || r.offset >= before) continue;
          const d = decodeRecord(r, o.validator);
          if (d.ok) events.push(d.envelope);
        }
      }
      for (const [id, state] of foldAll(o.projection, events)) out.set(id, state);
    }
    return out;
  };
}
