/** Kafka's topic naming rules (the broker answers INVALID_TOPIC_EXCEPTION to anything else). */
export const MAX_TOPIC_LENGTH = 249;

/** Why `topic` is not a legal Kafka topic name, or undefined when it is. */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'it is empty';
  if (topic === '.' || topic === '..') return `"${topic}" is reserved`;
  if (topic.length > MAX_TOPIC_LENGTH) return `it is longer than ${MAX_TOPIC_LENGTH} characters`;
  const bad = [...new Set([...topic].filter((c) => !/[a-zA-Z0-9._-]/.test(c)))];
  if (bad.length)
    return `it contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')} (only letters, digits, ".", "_" and "-" are allowed)`;
  return undefined;
}

export const TOPIC_NAME_RULES = `letters, digits, ".", "_" and "-", 1 to ${MAX_TOPIC_LENGTH} characters`;
