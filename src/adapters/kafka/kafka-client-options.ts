import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaConnectionOptions } from './kafka-connection.js';

const SASL_MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/** The innermost message of the client's nested errors: the one that names the broker or the cause. */
function describeRetried(error: unknown): string {
  let e = error as { message?: string; errors?: unknown[]; cause?: unknown } | undefined;
  for (let depth = 0; depth < 5 && e; depth++) {
    const next = (e.errors?.[e.errors.length - 1] ?? e.cause) as typeof e;
    if (!next || typeof next !== 'object') break;
    e = next;
  }
  return e?.message ?? String(error);
}

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
    retryDelay: (_client, operation, attempt, retries, error) => {
      const delay = Math.min(200 * 2 ** (attempt - 1), 2000);
      options.onLog?.({
        level: 'warn',
        message: `kafka: ${operation} failed (${describeRetried(error)}); retry ${attempt} of ${retries} in ${delay} ms`,
      });
      return delay;
    },
    autocreateTopics: false,
    ...(options.ssl ? { tls: options.ssl === true ? {} : { ...options.ssl } } : {}),
    ...(options.sasl
      ? { sasl: { mechanism: SASL_MECHANISMS[options.sasl.mechanism], username: options.sasl.username, password: options.sasl.password } }
      : {}),
  };
}
