import { ConfigError } from '../core/errors.js';
import type { EngineKind } from '../core/ports/search-sink.js';
import type { KafkaConfig, ReadmodelConfig, ResolvedConfig, SearchConfig } from './config-types.js';

/** Flags a command may pass; each overrides the environment, which overrides the file. */
export interface ConnectionFlags {
  brokers?: string;
  engine?: string;
  node?: string;
  contracts?: string;
}

export const ENV = {
  brokers: 'READMODEL_KAFKA_BROKERS',
  clientId: 'READMODEL_KAFKA_CLIENT_ID',
  saslMechanism: 'READMODEL_KAFKA_SASL_MECHANISM',
  saslUsername: 'READMODEL_KAFKA_SASL_USERNAME',
  saslPassword: 'READMODEL_KAFKA_SASL_PASSWORD',
  kafkaSsl: 'READMODEL_KAFKA_SSL',
  engine: 'READMODEL_SEARCH_ENGINE',
  node: 'READMODEL_SEARCH_NODE',
  username: 'READMODEL_SEARCH_USERNAME',
  password: 'READMODEL_SEARCH_PASSWORD',
  apiKey: 'READMODEL_SEARCH_API_KEY',
  caFile: 'READMODEL_SEARCH_CA_FILE',
} as const;

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Pure precedence: file < environment < flags. Missing pieces stay missing; commands ask for them. */
export function resolveConfig(
  file: ReadmodelConfig,
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags,
  meta: { filePath?: string; defaultContractsDir: string },
): ResolvedConfig {
  const k = { ...(file.kafka ?? {}) } as Partial<KafkaConfig>;
  if (env[ENV.brokers]) k.brokers = list(env[ENV.brokers]!);
  if (env[ENV.clientId]) k.clientId = env[ENV.clientId];
  if (env[ENV.kafkaSsl]) k.ssl = env[ENV.kafkaSsl] === 'true';
  if (env[ENV.saslMechanism] && env[ENV.saslUsername]) {
    k.sasl = {
      mechanism: env[ENV.saslMechanism] as NonNullable<KafkaConfig['sasl']>['mechanism'],
      username: env[ENV.saslUsername]!,
      password: env[ENV.saslPassword] ?? '',
    };
  }
  if (flags.brokers) k.brokers = list(flags.brokers);

  const s = { ...(file.search ?? {}) } as Partial<SearchConfig>;
  if (env[ENV.engine]) s.engine = env[ENV.engine] as EngineKind;
  if (env[ENV.node]) s.node = list(env[ENV.node]!);
  if (env[ENV.username]) s.username = env[ENV.username];
  if (env[ENV.password]) s.password = env[ENV.password];
  if (env[ENV.apiKey]) s.apiKey = env[ENV.apiKey];
  if (env[ENV.caFile]) s.caFile = env[ENV.caFile];
  if (flags.engine) s.engine = flags.engine as EngineKind;
  if (flags.node) s.node = list(flags.node);
  if (s.engine !== undefined && s.engine !== 'elasticsearch' && s.engine !== 'opensearch') {
    throw new ConfigError(`unknown search engine "${s.engine}"`, {
      context: { key: 'search.engine' },
      suggestion: 'use "elasticsearch" or "opensearch"',
    });
  }
  if (Array.isArray(s.node) && s.node.length === 1) s.node = s.node[0]!;

  return {
    ...(meta.filePath ? { file: meta.filePath } : {}),
    ...(k.brokers?.length ? { kafka: k as KafkaConfig } : {}),
    ...(s.node ? { search: { engine: s.engine ?? 'opensearch', ...s } as SearchConfig } : {}),
    contractsDir: flags.contracts ?? file.contracts ?? meta.defaultContractsDir,
    models: file.models ?? {},
  };
}

export function requireKafka(c: ResolvedConfig): KafkaConfig {
  if (!c.kafka) {
    throw new ConfigError('no Kafka brokers configured', {
      code: 'NO_KAFKA',
      suggestion: `pass --brokers host:port, set ${ENV.brokers}, or add kafka.brokers to readmodel.config.json (see README: Configuration)`,
    });
  }
  return c.kafka;
}

export function requireSearch(c: ResolvedConfig): SearchConfig {
  if (!c.search) {
    throw new ConfigError('no search engine configured', {
      code: 'NO_SEARCH',
      suggestion: `pass --engine opensearch|elasticsearch and --node URL, set ${ENV.engine} and ${ENV.node}, or add search to readmodel.config.json`,
    });
  }
  return c.search;
}
