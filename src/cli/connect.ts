import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deferredKafkaEventSource, deferredKafkaPublisher } from '../adapters/kafka/deferred-kafka.js';
import type { KafkaConnectionOptions } from '../adapters/kafka/kafka-connection.js';
import { createSearchSink } from '../adapters/search/create-search-sink.js';
import type { KafkaConfig, ResolvedConfig, SearchConfig } from '../config/config-types.js';
import { loadConfig } from '../config/load-config.js';
import { requireKafka, requireSearch, type ConnectionFlags } from '../config/resolve-config.js';
import { checkPemCertificate } from '../config/config-values.js';
import type { ModelConfig } from '../config/config-types.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { didYouMean } from '../core/naming/did-you-mean.js';
import { assertIndexBase, assertTopicName } from '../core/naming/name-checks.js';
import { parseRetryBudget } from '../core/retry.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { builtInModels, findModel } from '../core/read-models/catalog.js';
import type { CliIO } from './cli-io.js';

export interface GlobalFlags extends ConnectionFlags {
  config?: string;
  /** --retry-budget, in ms: overrides search.retryBudget. */
  retryBudget?: number;
  json?: boolean;
  tui?: boolean;
}

function readCa(file: string, key: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the CA file for ${key}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, {
      context: { key, path: file },
      suggestion:
        'point it at a readable PEM file (relative paths in the config file resolve against the file, from the environment against the working directory)',
      cause,
    });
  }
  const checked = checkPemCertificate(content);
  if ('problem' in checked) {
    throw new ConfigError(`the CA file for ${key} is unusable: ${checked.problem}`, {
      code: 'INVALID_CA_FILE',
      context: { key, path: file },
      suggestion: 'give the CA certificate in PEM form (openssl x509 -inform der -in ca.der -out ca.pem converts a DER file)',
    });
  }
  return content;
}

export function kafkaOptions(k: KafkaConfig): KafkaConnectionOptions {
  const ssl =
    typeof k.ssl === 'object'
      ? {
          ...(k.ssl.caFile ? { ca: readCa(k.ssl.caFile, 'kafka.ssl.caFile') } : {}),
          ...(k.ssl.rejectUnauthorized !== undefined ? { rejectUnauthorized: k.ssl.rejectUnauthorized } : {}),
        }
      : k.ssl;
  return {
    brokers: k.brokers,
    ...(k.clientId ? { clientId: k.clientId } : {}),
    ...(ssl ? { ssl } : {}),
    ...(k.sasl ? { sasl: k.sasl } : {}),
  };
}

export function searchSinkFor(s: SearchConfig, progress?: ProgressBus, retryBudgetMs?: number) {
  const budgetMs = retryBudgetMs ?? retryBudgetOf(s);
  return createSearchSink({
    engine: s.engine,
    node: s.node,
    ...(s.username ? { username: s.username } : {}),
    ...(s.password ? { password: s.password } : {}),
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    ...(s.caFile ? { ca: readCa(s.caFile, 'search.caFile') } : {}),
    ...(s.rejectUnauthorized !== undefined ? { rejectUnauthorized: s.rejectUnauthorized } : {}),
    ...(budgetMs !== undefined ? { backoff: { budgetMs } } : {}),
    ...(progress
      ? { onRetry: (r) => progress.emit({ type: 'retry', ...r }), onThrottle: (t) => progress.emit({ type: 'throttle', ...t }) }
      : {}),
  });
}

/** `search.retryBudget`: "5m", "90s", "500ms", "unbounded" or milliseconds (the schema has checked the form). */
function retryBudgetOf(s: SearchConfig): number | undefined {
  if (s.retryBudget === undefined) return undefined;
  const ms = parseRetryBudget(s.retryBudget);
  if (ms === undefined) {
    throw new ConfigError(
      `search.retryBudget must be a duration like 90s, 5m, 1h (a plain number is ms) or "unbounded", got "${s.retryBudget}"`,
      {
        context: { key: 'search.retryBudget' },
      },
    );
  }
  return ms;
}

/**
 * A read model registered by config: a module whose default (or `model`) export is a
 * ReadModelDefinition. Adding a read model needs no change to readmodel itself.
 */
async function loadModelModule(name: string, modulePath: string, base: string): Promise<ReadModelDefinition> {
  const file = path.resolve(base, modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigError(`cannot load the module of read model "${name}": ${(cause as Error).message}`, {
      context: { key: `models.${name}.module`, path: file },
      suggestion: 'point it at a JavaScript module exporting a ReadModelDefinition (default export or "model")',
    });
  }
  const def = (mod.default ?? mod.model) as ReadModelDefinition | undefined;
  if (!def || typeof def.projection?.apply !== 'function' || typeof def.mappingFile !== 'string') {
    throw new ConfigError(`the module of read model "${name}" exports no ReadModelDefinition`, {
      context: { key: `models.${name}.module`, path: file },
      suggestion: 'export default { name, projection, upcasters, mappingFile, topic, consumerGroup, indexBase, smokeQueries }',
    });
  }
  return { ...def, name };
}

/**
 * The names a model definition carries are checked wherever they come from: the config file's
 * overrides, or a module registered with `models.<name>.module` (which no schema sees).
 */
function checkModelNames(def: ReadModelDefinition, over: ModelConfig, file: string | undefined, base: string): ReadModelDefinition {
  const from = (key: 'topic' | 'indexBase' | 'consumerGroup') =>
    over[key] !== undefined
      ? { key: `models.${def.name}.${key}`, ...(file ? { file } : {}) }
      : { key: `models.${def.name}.module (its ${key})`, ...(over.module ? { file: path.resolve(base, over.module) } : {}) };
  if (typeof def.indexBase !== 'string')
    throw new ConfigError(`read model "${def.name}" has no indexBase`, { context: { key: from('indexBase').key } });
  if (typeof def.topic !== 'string')
    throw new ConfigError(`read model "${def.name}" has no topic`, { context: { key: from('topic').key } });
  if (typeof def.consumerGroup !== 'string' || !def.consumerGroup.trim()) {
    throw new ConfigError(`read model "${def.name}" has no consumer group`, { context: { key: from('consumerGroup').key } });
  }
  assertIndexBase(def.indexBase, from('indexBase'));
  assertTopicName(def.topic, from('topic'));
  return def;
}

/** Resolves config once per command and hands out the adapters it asks for. */
export async function connect(io: CliIO, flags: GlobalFlags) {
  const config: ResolvedConfig = await loadConfig({ cwd: io.cwd, env: io.env, flags });
  const base = config.file ? path.dirname(config.file) : io.cwd;
  return {
    config,
    async model(name: string): Promise<ReadModelDefinition> {
      const over = config.models[name] ?? {};
      if (!over.module && !builtInModels.some((m) => m.name === name)) {
        const known = [...builtInModels.map((m) => m.name), ...Object.keys(config.models).filter((n) => config.models[n]?.module)];
        const guess = didYouMean(name, known);
        throw new UsageError(`unknown read model "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`, {
          code: 'UNKNOWN_MODEL',
          context: { known },
          suggestion: `use one of: ${known.join(', ')} (register another with models.<name>.module in the config file)`,
        });
      }
      const def = over.module ? await loadModelModule(name, over.module, base) : findModel(name);
      return checkModelNames(
        {
          ...def,
          ...(over.topic ? { topic: over.topic } : {}),
          ...(over.consumerGroup ? { consumerGroup: over.consumerGroup } : {}),
          ...(over.indexBase ? { indexBase: over.indexBase } : {}),
          ...(over.smokeQueries ? { smokeQueries: over.smokeQueries } : {}),
          // A mapping given in the config replaces the model's mappings, its engine variants included.
          ...(over.mappingFile ? { mappingFile: path.resolve(base, over.mappingFile), mappingVariants: [] } : {}),
        },
        over,
        config.file,
        base,
      );
    },
    /** With a progress bus, the client's retries and connection errors become log events views show. */
    source: (progress?: ProgressBus) =>
      deferredKafkaEventSource({
        ...kafkaOptions(requireKafka(config)),
        ...(progress ? { onLog: (l: { level: 'warn' | 'error'; message: string }) => progress.emit({ type: 'log', ...l }) } : {}),
      }),
    publisher: () => deferredKafkaPublisher(kafkaOptions(requireKafka(config))),
    kafka: () => kafkaOptions(requireKafka(config)),
    sink: (progress?: ProgressBus) => searchSinkFor(requireSearch(config), progress, flags.retryBudget),
  };
}
