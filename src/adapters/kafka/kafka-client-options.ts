import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaConnectionOptions } from './kafka-connection.js';

const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * One place that turns our connection options into the client's: brokers, TLS, SASL and timeouts.
 * Retries back off from 200 ms to 2 s, so an unreachable cluster is reported within seconds.
 */
export function clientOptions(options: KafkaConnectionOptions, clientId = options.clientId ?? 'readmodel'): BaseOptions {
  return {
    clientId,
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retries: 5,
    retryDelay: (_client, _operation, attempt) => Math.min(200 * 2 ** (attempt - 1), 2000),
    autocreateTopics: false,
    ...(options.ssl ? { tls: options.ssl === true ? {} : { ...options.ssl } } : {}),
    ...(options.sasl
      ? { sasl: { mechanism: SASL_MECHANISMS[options.sasl.mechanism], username: options.sasl.username, password: options.sasl.password } }
      : {}),
  };
}
