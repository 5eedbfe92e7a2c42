import { Kafka, logLevel } from 'kafkajs';

/**
 * An independent Kafka client for tests (kafkajs, a dev dependency only): it writes what readmodel
 * must cope with (transactions, null keys) and reads back what readmodel wrote (headers), so the
 * adapters are checked against another implementation of the protocol, not against themselves.
 */
export function independentKafkaClient(brokers: string[]): Kafka {
  return new Kafka({ brokers, clientId: 'readmodel-test', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 200 } });
}
