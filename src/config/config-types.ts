import type { EngineKind } from '../core/ports/search-sink.js';
import type { SmokeQuery } from '../core/read-model.js';

export interface KafkaConfig {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | { caFile?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface SearchConfig {
  engine: EngineKind;
  node: string | string[];
  username?: string;
  password?: string;
  apiKey?: string;
  caFile?: string;
  rejectUnauthorized?: boolean;
  /** How long failing requests are retried before the run gives up: "5m", "90s", or ms (default 5 min). */
  retryBudget?: string | number;
}

export interface GateConfig {
  /** Allowed relative difference of document counts between the new and the current index (0.05 = 5%). */
  maxCountDrift?: number;
  /** Allowed share of documents whose content changed (0..1). */
  maxChangedShare?: number;
}

/** Per-model overrides of the built-in definition: names and operational settings, not logic. */
export interface ModelConfig {
  /** A module exporting a ReadModelDefinition: registers a read model that readmodel does not ship. */
  module?: string;
  mappingFile?: string;
  topic?: string;
  consumerGroup?: string;
  indexBase?: string;
  smokeQueries?: SmokeQuery[];
  gates?: GateConfig;
}

export interface ReadmodelConfig {
  kafka?: Partial<KafkaConfig>;
  search?: Partial<SearchConfig>;
  contracts?: string;
  models?: Record<string, ModelConfig>;
}

/** Connections after file, environment and flags were merged: what commands actually use. */
export interface ResolvedConfig {
  file?: string;
  kafka?: KafkaConfig;
  search?: SearchConfig;
  contractsDir: string;
  models: Record<string, ModelConfig>;
}
