import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createKafkaEventSource } from '../adapters/kafka/kafka-event-source.js';
import { createKafkaPublisher } from '../adapters/kafka/kafka-publisher.js';
import type { KafkaConnectionOptions } from '../adapters/kafka/kafka-connection.js';
import { createSearchSink } from '../adapters/search/create-search-sink.js';
import type { KafkaConfig, ResolvedConfig, SearchConfig } from '../config/config-types.js';
import { loadConfig } from '../config/load-config.js';
import { requireKafka, requireSearch, type ConnectionFlags } from '../config/resolve-config.js';
import { ConfigError } from '../core/errors.js';
import { parseRetryBudget } from '../core/retry.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { findModel } from '../core/projections/registry.js';
import type { CliIO } from './cli-io.js';

export interface GlobalFlags extends ConnectionFlags {
  config?: string;
  /** --retry-budget, in ms: overrides search.retryBudget. */
  retryBudget?: number;
  json?: boolean;
  tui?: boolean;
}

function readCa(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the CA file for ${key}`, { context: { key, path: file }, cause });
  }
}

export function kafkaOptions(k: KafkaConfig): KafkaConnectionOptions {
  const ssl =
    typeof k.ssl === 'object'
      ? { ...(k.ssl.caFile ? { ca: readCa(k.ssl.caFile, 'kafka.ssl.caFile') } : {}), ...(k.ssl.rejectUnauthorized !== undefined ? { rejectUnauthorized: k.ssl.rejectUnauthorized } : {}) }
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
    throw new ConfigError(`search.retryBudget must be a duration like 90s, 5m, 1h (a plain number is ms) or "unbounded", got "${s.retryBudget}"`, {
      context: { key: 'search.retryBudget' },
    });
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

/** Resolves config once per command and hands out the adapters it asks for. */
export async function connect(io: CliIO, flags: GlobalFlags) {
  const config: ResolvedConfig = await loadConfig({ cwd: io.cwd, env: io.env, flags });
  return {
    config,
    async model(name: string): Promise<ReadModelDefinition> {
      const over = config.models[name] ?? {};
      const base = over.module ? await loadModelModule(name, over.module, config.file ? path.dirname(config.file) : io.cwd) : findModel(name);
      return {
        ...base,
        ...(over.topic ? { topic: over.topic } : {}),
        ...(over.consumerGroup ? { consumerGroup: over.consumerGroup } : {}),
        ...(over.indexBase ? { indexBase: over.indexBase } : {}),
        ...(over.smokeQueries ? { smokeQueries: over.smokeQueries } : {}),
        ...(over.mappingFile ? { mappingFile: path.resolve(config.file ? path.dirname(config.file) : io.cwd, over.mappingFile) } : {}),
      };
    },
    source: () => createKafkaEventSource(kafkaOptions(requireKafka(config))),
    publisher: () => createKafkaPublisher(kafkaOptions(requireKafka(config))),
    kafka: () => kafkaOptions(requireKafka(config)),
    sink: (progress?: ProgressBus) => searchSinkFor(requireSearch(config), progress, flags.retryBudget),
  };
}
