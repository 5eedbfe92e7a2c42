import { ConfigError, UsageError } from '../errors.js';
import { INDEX_NAME_RULES, indexBaseProblem, indexNameProblem } from './index-names.js';
import { TOPIC_NAME_RULES, topicNameProblem } from './topic-names.js';

/**
 * Where a name came from: a flag is a usage error (exit 2), a config key or a model module is a
 * configuration error (exit 3). Either way the message names the source and the rule.
 */
export type NameSource = { flag: string } | { key: string; file?: string };

function fail(source: NameSource, what: string, value: string, problem: string, rules: string): never {
  const where = 'flag' in source ? source.flag : source.key;
  const message = `${where}: "${value}" is not a valid ${what}: ${problem}`;
  const suggestion = `use ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}: ${rules}`;
  if ('flag' in source) throw new UsageError(message, { code: 'INVALID_NAME', context: { flag: source.flag, value }, suggestion });
  throw new ConfigError(message, {
    code: 'INVALID_NAME',
    context: { key: source.key, value, ...(source.file ? { file: source.file } : {}) },
    suggestion,
  });
}

/** An index or alias name a command will address: exactly one index, by the engines' rules. */
export function assertIndexName(name: string, source: NameSource): string {
  const problem = indexNameProblem(name);
  if (problem) fail(source, 'index name', name, problem, INDEX_NAME_RULES);
  return name;
}

export function assertIndexBase(base: string, source: NameSource): string {
  const problem = indexBaseProblem(base);
  if (problem) fail(source, 'index base', base, problem, 'lowercase letters, digits, "_" and "-" (at most 200 bytes)');
  return base;
}

export function assertTopicName(topic: string, source: NameSource): string {
  const problem = topicNameProblem(topic);
  if (problem) fail(source, 'Kafka topic name', topic, problem, TOPIC_NAME_RULES);
  return topic;
}
