import type { EventPublisher } from '../../core/ports/event-publisher.js';
import type { EventSource } from '../../core/ports/event-source.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';

/**
 * The Kafka source and publisher, with the client loaded on first use: loading it costs over half a
 * second of CPU, which commands that never reach Kafka (alias show, diff) should not pay.
 */
function deferred<T extends { close(): Promise<void> }>(load: () => Promise<T>) {
  let instance: Promise<T> | undefined;
  return {
    get: () => (instance ??= load()),
    close: async () => {
      if (instance) await (await instance).close();
    },
  };
}

export function deferredKafkaEventSource(options: KafkaConnectionOptions): EventSource {
  const d = deferred(() => import('./kafka-event-source.js').then((m) => m.createKafkaEventSource(options)));
  return {
    watermarks: async (topic) => (await d.get()).watermarks(topic),
    offsetsForTime: async (topic, time) => (await d.get()).offsetsForTime(topic, time),
    topicConfig: async (topic) => (await d.get()).topicConfig(topic),
    async *readRanges(o) {
      yield* (await d.get()).readRanges(o);
    },
    close: d.close,
  };
}

export function deferredKafkaPublisher(options: KafkaConnectionOptions): EventPublisher {
  const d = deferred(() => import('./kafka-publisher.js').then((m) => m.createKafkaPublisher(options)));
  return {
    ensureTopic: async (topic, partitions) => (await d.get()).ensureTopic(topic, partitions),
    publish: async (topic, records) => (await d.get()).publish(topic, records),
    count: async (topic) => (await d.get()).count(topic),
    close: d.close,
  };
}
