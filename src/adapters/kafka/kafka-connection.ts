import { Kafka, logLevel, type SASLOptions } from 'kafkajs';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | { ca?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Hears kafkajs's own warnings and errors (connection errors, retries, rebalances): without it they
   * are dropped, since we report failures ourselves once the client gives up.
   */
  onLog?: (entry: { level: 'warn' | 'error'; message: string }) => void;
}

/** One place that turns our connection options into a kafkajs client, quietly (we report errors ourselves). */
export function createKafkaClient(options: KafkaConnectionOptions): Kafka {
  return new Kafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'readmodel',
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...(options.onLog
      ? {
          logLevel: logLevel.WARN,
          logCreator:
            () =>
            ({ level, log }: { level: logLevel; log: { message?: string; error?: string; broker?: string } }) => {
              const what = [log.message, log.error].filter(Boolean).join(': ');
              const detail = log.broker && !what.includes(log.broker) ? `${what} (broker ${log.broker})` : what;
              options.onLog!({ level: level === logLevel.ERROR ? 'error' : 'warn', message: `kafka: ${detail}` });
            },
        }
      : { logLevel: logLevel.NOTHING }),
    retry: { retries: 5, initialRetryTime: 200 },
    ...(options.ssl ? { ssl: options.ssl === true ? true : { ...options.ssl } } : {}),
    ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
  });
}
