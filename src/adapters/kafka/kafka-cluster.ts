import type { Kafka } from 'kafkajs';
import type { FetchPartition } from './fetch-response.js';

export const READ_COMMITTED = 1;

export interface FetchResponse {
  responses: Array<{ topicName: string; partitions: FetchPartition[] }>;
}
export interface Broker {
  fetch(req: unknown): Promise<FetchResponse>;
}
export interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<Broker>;
}

/**
 * kafkajs only consumes through consumer groups. Fetching explicit offsets without one needs its
 * cluster object, which the client builds but does not export; we reach it through the client's own
 * factory so connection, TLS and SASL settings stay identical to the admin client's.
 */
export function createCluster(kafka: Kafka): Cluster {
  const factorySym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!factorySym) throw new Error('kafkajs internals changed: cluster factory not found (pin kafkajs 2.x)');
  const factory = (kafka as unknown as Record<symbol, (o: object) => Cluster>)[factorySym]!;
  return factory({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
}
