import { SourceUnavailableError } from '../../core/errors.js';

/**
 * The Kafka error name behind a client failure (`UNKNOWN_TOPIC_OR_PARTITION`, `OFFSET_OUT_OF_RANGE`, ...):
 * the client nests protocol errors inside response and retry errors, so look through them all.
 */
export function kafkaErrorId(err: unknown, depth = 0): string | undefined {
  const e = err as { apiId?: string; type?: string; errors?: unknown[]; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (typeof e.apiId === 'string') return e.apiId;
  if (typeof e.type === 'string') return e.type;
  for (const inner of [...(Array.isArray(e.errors) ? e.errors : []), e.cause]) {
    const id = kafkaErrorId(inner, depth + 1);
    if (id) return id;
  }
  return undefined;
}

/** The innermost message: a retry error only says "failed 6 times", its last attempt says why. */
function rootMessage(err: unknown): string {
  const e = err as { message?: string; errors?: unknown[] } | undefined;
  const last = Array.isArray(e?.errors) && e.errors.length > 0 ? e.errors[e.errors.length - 1] : undefined;
  const inner = last !== undefined ? rootMessage(last) : undefined;
  return inner && inner !== e?.message ? `${e?.message ?? ''} (${inner})`.trim() : (e?.message ?? String(err));
}

/** Wraps a Kafka client failure in our error, saying which brokers and what we were doing. */
export function sourceError(err: unknown, what: string, brokers: readonly string[]): SourceUnavailableError {
  const id = kafkaErrorId(err);
  const unknownTopic = id === 'UNKNOWN_TOPIC_OR_PARTITION' || /does not host this topic-partition/i.test((err as Error)?.message ?? '');
  return new SourceUnavailableError(`Kafka: ${what} failed: ${rootMessage(err)}`, {
    code: unknownTopic ? 'TOPIC_NOT_FOUND' : 'SOURCE_UNAVAILABLE',
    context: { brokers: brokers.join(','), kafkaError: id ?? (err as { code?: string })?.code ?? (err as Error)?.name },
    suggestion: unknownTopic
      ? 'check the topic name (readmodel fixtures publish creates the demo topic)'
      : 'check that the brokers are reachable (readmodel sandbox status for the local one)',
    cause: err,
  });
}
