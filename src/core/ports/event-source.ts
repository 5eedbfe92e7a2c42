/** One Kafka record as the engine sees it: raw bytes plus its exact position. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  timestamp: number;
}

export interface PartitionWatermarks {
  partition: number;
  /** First offset still in the log. */
  low: number;
  /** Offset the next record will get: reading [start, high) reads everything written so far. */
  high: number;
}

export interface PartitionRange {
  partition: number;
  start: number;
  end: number;
}

/** Offsets [from, to) of one partition that a read needed and Kafka no longer holds. */
export interface HistoryGap {
  partition: number;
  from: number;
  to: number;
}

/** The topic settings that decide how much history Kafka keeps. -1 means unlimited. */
export interface TopicConfig {
  cleanupPolicy: string;
  retentionMs: number;
  retentionBytes: number;
}

export interface ReadRangeOptions {
  topic: string;
  ranges: readonly PartitionRange[];
  signal?: AbortSignal;
  /** Upper bound on bytes fetched per partition per request: the source's share of bounded memory. */
  maxBytesPerPartition?: number;
  /**
   * Records inside a range that vanished while reading (retention, deleted records) are an error
   * (TRUNCATED_HISTORY) unless this is given: then the reader reports each gap here and goes on from
   * the new log start. Only an operator's explicit acknowledgement may pass it.
   */
  onHistoryGap?: (gap: HistoryGap) => void;
}

/**
 * Reads explicit offset ranges without a consumer group: no group membership, no commits, nothing
 * left on the broker. This is what makes a rebuild finite and invisible to the live consumer.
 */
export interface EventSource {
  watermarks(topic: string): Promise<PartitionWatermarks[]>;
  /** For each partition, the first offset whose timestamp is at or after `time` (or high if none). */
  offsetsForTime(topic: string, time: Date): Promise<Map<number, number>>;
  readRanges(options: ReadRangeOptions): AsyncIterable<RawRecord[]>;
  /** cleanup.policy, retention.ms and retention.bytes as the broker applies them to the topic. */
  topicConfig(topic: string): Promise<TopicConfig>;
  close(): Promise<void>;
}
