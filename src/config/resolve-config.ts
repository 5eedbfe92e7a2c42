import path from 'node:path';
import { ConfigError, UsageError } from '../core/errors.js';
import type { EngineKind } from '../core/ports/search-sink.js';
import { checkBoolean, checkBroker, checkNodeUrl, checkSaslMechanism, redactNodeUrl, type Checked, type NodeUrl } from './config-values.js';
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

/**
 * Where a value came from. A bad flag is a usage error (exit 2); a bad environment variable or file
 * key is a configuration error (exit 3). Messages name the flag, variable or key.
 */
export type ValueSource = { flag: string } | { env: string } | { key: string; file?: string };

export function sourceName(s: ValueSource): string {
  return 'flag' in s ? s.flag : 'env' in s ? s.env : s.key;
}

export function invalidValue(source: ValueSource, problem: string, options: { value?: string; suggestion?: string } = {}): never {
  const message = `${sourceName(source)}: ${problem}`;
  const context = { ...source, ...(options.value !== undefined ? { value: options.value } : {}) };
  const where =
    'flag' in source
      ? `pass a valid value to ${source.flag}`
      : 'env' in source
        ? `set ${source.env} to a valid value`
        : `fix ${source.key} in the config file`;
  const suggestion = options.suggestion ?? `${where} (README: Configuration says what each setting accepts)`;
  if ('flag' in source) throw new UsageError(message, { code: 'INVALID_VALUE', context, suggestion });
  throw new ConfigError(message, { code: 'INVALID_VALUE', context, suggestion });
}

function take<T>(checked: Checked<T>, source: ValueSource, shown: string): T {
  if ('problem' in checked) invalidValue(source, `invalid value ${JSON.stringify(shown)}: ${checked.problem}`, { value: shown });
  return checked.value;
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Pure precedence: file < environment < flags, every value checked. Missing pieces stay missing. */
export function resolveConfig(
  file: ReadmodelConfig,
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags,
  meta: { filePath?: string; defaultContractsDir: string; cwd?: string },
): ResolvedConfig {
  const cwd = meta.cwd ?? process.cwd();
  // An empty variable counts as unset: CI systems often define every variable, empty.
  env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  // Paths in the file are relative to the file; paths from env and flags to the working directory.
  const fileDir = meta.filePath ? path.dirname(meta.filePath) : cwd;
  const fileKey = (key: string): ValueSource => ({ key, ...(meta.filePath ? { file: meta.filePath } : {}) });

  const k = { ...(file.kafka ?? {}) } as Partial<KafkaConfig>;
  let brokersFrom: (i: number) => ValueSource = (i) => fileKey(`kafka.brokers.${i}`);
  if (env[ENV.brokers] !== undefined) {
    k.brokers = list(env[ENV.brokers]!);
    brokersFrom = () => ({ env: ENV.brokers });
  }
  if (flags.brokers !== undefined) {
    k.brokers = list(flags.brokers);
    brokersFrom = () => ({ flag: '--brokers' });
  }
  if (k.brokers) k.brokers = k.brokers.map((b, i) => take(checkBroker(b), brokersFrom(i), b));
  if ((env[ENV.brokers] !== undefined || flags.brokers !== undefined) && !k.brokers?.length) {
    invalidValue(flags.brokers !== undefined ? { flag: '--brokers' } : { env: ENV.brokers }, 'no broker given', {
      suggestion: 'give host:port[,host:port]',
    });
  }
  if (env[ENV.clientId] !== undefined) k.clientId = env[ENV.clientId];
  if (env[ENV.kafkaSsl] !== undefined) {
    const on = take(checkBoolean(env[ENV.kafkaSsl]!), { env: ENV.kafkaSsl }, env[ENV.kafkaSsl]!);
    // "true" keeps the file's TLS details (CA file, rejectUnauthorized); "false" turns TLS off.
    if (!on || typeof k.ssl !== 'object') k.ssl = on;
  }
  if (typeof k.ssl === 'object' && k.ssl.caFile) k.ssl = { ...k.ssl, caFile: path.resolve(fileDir, k.ssl.caFile) };
  resolveSasl(k, env);

  const s = { ...(file.search ?? {}) } as Partial<SearchConfig>;
  let engineFrom: ValueSource = fileKey('search.engine');
  let nodeFrom: ValueSource = fileKey('search.node');
  if (env[ENV.engine] !== undefined) [s.engine, engineFrom] = [env[ENV.engine] as EngineKind, { env: ENV.engine }];
  if (env[ENV.node] !== undefined) [s.node, nodeFrom] = [list(env[ENV.node]!), { env: ENV.node }];
  if (env[ENV.username] !== undefined) s.username = env[ENV.username];
  if (env[ENV.password] !== undefined) s.password = env[ENV.password];
  if (env[ENV.apiKey] !== undefined) s.apiKey = env[ENV.apiKey];
  if (s.caFile) s.caFile = path.resolve(fileDir, s.caFile);
  if (env[ENV.caFile] !== undefined) s.caFile = path.resolve(cwd, env[ENV.caFile]!);
  if (flags.engine !== undefined) [s.engine, engineFrom] = [flags.engine as EngineKind, { flag: '--engine' }];
  if (flags.node !== undefined) [s.node, nodeFrom] = [list(flags.node), { flag: '--node' }];
  if (s.engine !== undefined && s.engine !== 'elasticsearch' && s.engine !== 'opensearch') {
    invalidValue(engineFrom, `unknown search engine "${s.engine}"`, {
      value: String(s.engine),
      suggestion: 'use "elasticsearch" or "opensearch"',
    });
  }
  if (s.node !== undefined) {
    const nodes = (Array.isArray(s.node) ? s.node : [s.node]).map((n) => take(checkNodeUrl(n), nodeFrom, redactNodeUrl(n)));
    if (nodes.length === 0) invalidValue(nodeFrom, 'no node URL given', { suggestion: 'give http(s)://host:port[,http(s)://host:port]' });
    applyUrlCredentials(s, nodes, nodeFrom);
    s.node = nodes.length === 1 ? nodes[0]!.url : nodes.map((n) => n.url);
  }

  const contractsDir =
    flags.contracts !== undefined
      ? path.resolve(cwd, flags.contracts)
      : file.contracts !== undefined
        ? path.resolve(fileDir, file.contracts)
        : meta.defaultContractsDir;
  return {
    ...(meta.filePath ? { file: meta.filePath } : {}),
    ...(k.brokers?.length ? { kafka: k as KafkaConfig } : {}),
    ...(s.node ? { search: { engine: s.engine ?? 'opensearch', ...s } as SearchConfig } : {}),
    contractsDir,
    models: file.models ?? {},
  };
}

/** SASL from the environment needs its mechanism and its user together; half a login is a mistake. */
function resolveSasl(k: Partial<KafkaConfig>, env: NodeJS.ProcessEnv): void {
  const mechanism = env[ENV.saslMechanism];
  const username = env[ENV.saslUsername];
  const password = env[ENV.saslPassword];
  if (mechanism === undefined && username === undefined && password === undefined) return;
  if (mechanism === undefined) {
    invalidValue({ env: username !== undefined ? ENV.saslUsername : ENV.saslPassword }, `is set but ${ENV.saslMechanism} is not`, {
      suggestion: `set ${ENV.saslMechanism} (plain, scram-sha-256 or scram-sha-512) too, or unset the SASL variables`,
    });
  }
  const m = take(checkSaslMechanism(mechanism), { env: ENV.saslMechanism }, mechanism);
  if (!username) {
    invalidValue({ env: ENV.saslMechanism }, `is set but ${ENV.saslUsername} is not`, {
      suggestion: `set ${ENV.saslUsername} and ${ENV.saslPassword}`,
    });
  }
  k.sasl = { mechanism: m, username, password: password ?? '' };
}

/** Credentials written into a node URL become the search username/password (the URL keeps none). */
function applyUrlCredentials(s: Partial<SearchConfig>, nodes: NodeUrl[], from: ValueSource): void {
  const withUser = nodes.filter((n) => n.username !== undefined || n.password !== undefined);
  if (withUser.length === 0) return;
  const first = withUser[0]!;
  if (withUser.some((n) => n.username !== first.username || n.password !== first.password)) {
    invalidValue(from, 'the node URLs carry different credentials', {
      suggestion: 'give the credentials once, in search.username and search.password (or READMODEL_SEARCH_USERNAME / _PASSWORD)',
    });
  }
  if (first.username !== undefined) s.username = first.username;
  if (first.password !== undefined) s.password = first.password;
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
