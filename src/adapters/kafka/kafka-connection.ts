/** How readmodel reaches a Kafka cluster (config `kafka.*`); kafka-client-options maps it onto the client. */
export interface KafkaConnectionOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | { ca?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Hears each retry of the client (a connection error, a broker that did not answer): without it they
   * are dropped, since we report the failure ourselves once the client gives up.
   */
  onLog?: (entry: { level: 'warn' | 'error'; message: string }) => void;
}
