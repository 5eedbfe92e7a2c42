import { SourceUnavailableError } from '../../core/errors.js';

/** Wraps a kafkajs failure in our error, saying which brokers and what we were doing. */
export function sourceError(err: unknown, what: string, brokers: readonly string[]): SourceUnavailableError {
  const e = err as Error & { type?: string };
  const unknownTopic = e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' || /does not host this topic-partition/i.test(e?.message ?? '');
  return new SourceUnavailableError(`Kafka: ${what} failed: ${e?.message ?? String(err)}`, {
    code: unknownTopic ? 'TOPIC_NOT_FOUND' : 'SOURCE_UNAVAILABLE',
    context: { brokers: brokers.join(','), kafkaError: e?.type ?? e?.name },
    suggestion: unknownTopic
      ? 'check the topic name (readmodel fixtures publish creates the demo topic)'
      : 'check that the brokers are reachable (readmodel sandbox status for the local one)',
    cause: err,
  });
}
