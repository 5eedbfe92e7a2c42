/** One partition of a topic as a consumer group sees it. */
export interface GroupPartitionOffsets {
  partition: number;
  /** The group's committed offset (the next offset it reads); null when it never committed one here. */
  committed: number | null;
  /** First offset still in the log. */
  logStart: number;
  /** Log end offset: the offset the next record will get. */
  logEnd: number;
}

export interface GroupOffsets {
  groupId: string;
  topic: string;
  /** The coordinator's view of the group: Stable, Empty, PreparingRebalance, Dead (unknown group), ... */
  state: string;
  /** Members currently in the group: 0 means nobody is consuming. */
  members: number;
  partitions: GroupPartitionOffsets[];
}

/**
 * What `readmodel lag` reads from Kafka: a group's committed offsets against the log, and the
 * timestamp of the record at a position (the oldest event the group has not consumed yet).
 * Read-only: it never joins the group and never commits.
 */
export interface LagReader {
  groupOffsets(groupId: string, topic: string): Promise<GroupOffsets>;
  /**
   * For each requested partition, the timestamp (ms) of the first record at or after `offset`
   * (skipping transaction markers and records removed by retention); absent when there is none.
   */
  recordTimestamps(
    topic: string,
    positions: ReadonlyArray<{ partition: number; offset: number; end: number }>,
    signal?: AbortSignal,
  ): Promise<Map<number, number>>;
  close(): Promise<void>;
}
