import type { RawRecord } from './event-source.js';

export interface GroupBatch {
  topic: string;
  partition: number;
  records: RawRecord[];
  highWatermark: number;
}

/**
 * A member of the live consumer group. The handler's promise resolving means "these records are
 * durably written": only then is the offset after the last record committed.
 */
export interface GroupConsumer {
  run(handler: (batch: GroupBatch) => Promise<void>, options: { signal: AbortSignal }): Promise<void>;
}
