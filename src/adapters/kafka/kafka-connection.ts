/** How readmodel reaches a Kafka cluster (config `kafka.*`); kafka-client-options maps it onto the client. */
export interface KafkaConnectionOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | { ca?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}
