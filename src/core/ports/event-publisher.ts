export interface PublishRecord {
  key: string;
  value: string;
  timestamp?: number;
}

/** Publishes keyed events to a topic (fixtures, demos); the Kafka adapter implements it. */
export interface EventPublisher {
  /** Creates the topic with an explicit partition count when missing; returns whether it created it. */
  ensureTopic(topic: string, partitions: number): Promise<{ created: boolean; partitions: number }>;
  publish(topic: string, records: readonly PublishRecord[]): Promise<void>;
  /** Records currently in the topic (high minus low watermarks), or undefined when it does not exist. */
  count(topic: string): Promise<number | undefined>;
  close(): Promise<void>;
}
