import type { RawRecord } from './event-source.js';

export interface GroupBatch {
  topic: string;
  partition: number;
  records: RawRecord[];
  highWatermark: number;
  /**
   * Tells the group this member is alive. Throws when the group has moved on (rebalance): the batch
   * must then be abandoned, uncommitted; let the error propagate so the consumer rejoins.
   */
  heartbeat(): Promise<void>;
  /** Stops fetching the topic's partitions (the membership stays); returns the function that resumes them. */
  pause(): () => void;
}

/**
 * A member of the live consumer group. The handler's promise resolving means "these records are
 * durably written": only then is the offset after the last record committed. A handler that throws
 * stops the consumer with that error (nothing of the batch committed); one that throws after the
 * stop signal has fired just stops it.
 */
export interface GroupConsumer {
  run(handler: (batch: GroupBatch) => Promise<void>, options: { signal: AbortSignal }): Promise<void>;
}
