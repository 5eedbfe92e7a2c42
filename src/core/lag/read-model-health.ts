import { formatDuration, type LagStatus } from './lag-window.js';

/** A failed read, as the report carries it: the error's code, message and the exit code it maps to. */
export interface ReadFailure {
  code: string;
  message: string;
  exitCode: number;
}

/** The summary of the run manifest of the index behind the alias (`_meta.readmodel`). */
export interface BuildSummary {
  status: string;
  model: string;
  finishedAt?: string;
  documents?: number;
}

/**
 * What the monitor saw of a read model in the search engine, gathered by the app layer; the verdict
 * below turns it into a status. Anything that could not be read is a failure, never "absent".
 */
export type ReadModelObservation =
  | { kind: 'engine-unreachable'; error: ReadFailure }
  | { kind: 'engine-mismatch'; reported: string; version: string }
  | { kind: 'engine-unidentified' }
  | { kind: 'read-failed'; what: string; error: ReadFailure; indices?: string[] }
  | { kind: 'alias-missing' }
  | { kind: 'alias-ambiguous'; indices: string[] }
  | { kind: 'index-missing'; index: string }
  | { kind: 'no-manifest'; index: string }
  | { kind: 'manifest-unreadable'; index: string; detail: string }
  | { kind: 'wrong-model'; index: string; build: BuildSummary }
  | { kind: 'incomplete'; index: string; build: BuildSummary }
  /** The index and its manifest are fine: what its documents say. */
  | { kind: 'index'; index: string; build: BuildSummary; documents: number; newestEventAt: number | null };

export type ReadModelStatus = Extract<LagStatus, 'OK' | 'WARN' | 'ERR'>;

/** The read model's part of a model's health: is there one readable, complete build behind the alias, and how fresh is it. */
export interface ReadModelReport {
  alias: string;
  /** The engine the configuration names (the node must answer as this engine). */
  engine: string;
  /** Indices the alias points at (empty when it does not exist or could not be read). */
  indices: string[];
  /** The one index behind the alias, when there is exactly one. */
  index: string | null;
  build: BuildSummary | null;
  /** Documents in the index behind the alias; null when not read. */
  documents: number | null;
  /** Max `lastEventAt` of the documents behind the alias. */
  newestEventAt: string | null;
  /** Freshness: age of the newest event reflected in the index; null when unknown (never OK then, except for an empty topic). */
  ageMs: number | null;
  status: ReadModelStatus;
  /** Stable code of what is wrong (absent when OK). */
  problem?: string;
  reason: string;
  suggestion?: string;
  error?: ReadFailure;
}

export interface ReadModelContext {
  model: string;
  alias: string;
  engine: string;
  topic: string;
  /** Records currently in the topic (sum over partitions of log end - log start); null when Kafka could not be read. */
  topicRecords: number | null;
  now: number;
}

const rebuildHint = (model: string) => `readmodel rebuild ${model} --swap`;

/** The verdict on the read model behind a model's alias. Pure: the observation carries everything read. */
export function evaluateReadModel(o: ReadModelObservation, c: ReadModelContext): ReadModelReport {
  const base = {
    alias: c.alias,
    engine: c.engine,
    indices: [] as string[],
    index: null,
    build: null,
    documents: null,
    newestEventAt: null,
    ageMs: null,
  };
  const err = (problem: string, reason: string, suggestion: string, extra: Partial<ReadModelReport> = {}): ReadModelReport => ({
    ...base,
    ...extra,
    status: 'ERR',
    problem,
    reason,
    suggestion,
  });
  switch (o.kind) {
    case 'engine-unreachable':
      return err(
        'ENGINE_UNREACHABLE',
        `the search engine does not answer: ${o.error.message}`,
        'check search.node (or --node / READMODEL_SEARCH_NODE) and that the engine is up (readmodel sandbox status for the local one)',
        {
          error: o.error,
        },
      );
    case 'engine-mismatch':
      return err(
        'ENGINE_MISMATCH',
        `the search engine is configured as ${c.engine}, but the node reports ${o.reported} ${o.version}: every read through the wrong client is unreliable`,
        `set search.engine (or --engine / READMODEL_SEARCH_ENGINE) to ${o.reported}, or point search.node at the ${c.engine} cluster`,
      );
    case 'engine-unidentified':
      return err(
        'ENGINE_UNIDENTIFIED',
        `the node does not answer as ${c.engine}: neither GET / nor GET /_nodes/_local reported a version, so no state read from it can be trusted`,
        `check that search.node points at a node of ${c.engine} and that search.engine names the engine it runs`,
      );
    case 'read-failed':
      return err(
        'READ_FAILED',
        `${o.what} failed: ${o.error.message}`,
        'check the search engine settings and permissions (readmodel config show)',
        {
          error: o.error,
          indices: o.indices ?? [],
        },
      );
    case 'alias-missing':
      return err(
        'ALIAS_MISSING',
        `alias ${c.alias} does not exist (or points at no index): the read model has no live index`,
        `build one and expose it: ${rebuildHint(c.model)} (or readmodel alias swap ${c.model} --to <index> for an existing complete build; readmodel alias show ${c.model} lists them)`,
      );
    case 'alias-ambiguous':
      return err(
        'ALIAS_AMBIGUOUS',
        `alias ${c.alias} points at ${o.indices.length} indices (${o.indices.join(', ')}): reads mix builds and writes through it fail`,
        `keep the alias on one complete build (POST /_aliases removing it from the others; readmodel alias show ${c.model} lists the builds), or ${rebuildHint(c.model)}`,
        { indices: o.indices },
      );
    case 'index-missing':
      return err(
        'INDEX_MISSING',
        `index ${o.index} behind alias ${c.alias} does not exist`,
        `rebuild and expose the read model: ${rebuildHint(c.model)}`,
        {
          indices: [o.index],
          index: o.index,
        },
      );
    case 'no-manifest':
      return err(
        'NO_MANIFEST',
        `index ${o.index} behind alias ${c.alias} has no readmodel manifest: it was not built by readmodel, so what it holds is unknown`,
        `replace it with a build of ${c.model}: ${rebuildHint(c.model)}`,
        { indices: [o.index], index: o.index },
      );
    case 'manifest-unreadable':
      return err(
        'MANIFEST_UNREADABLE',
        `the manifest of index ${o.index} behind alias ${c.alias} is unreadable: ${o.detail}`,
        `inspect it with readmodel alias show ${c.model}; ${rebuildHint(c.model)} replaces it`,
        {
          indices: [o.index],
          index: o.index,
        },
      );
    case 'wrong-model':
      return err(
        'WRONG_MODEL',
        `index ${o.index} behind alias ${c.alias} was built for read model "${o.build.model}", not "${c.model}"`,
        `point the alias at a build of ${c.model}: ${rebuildHint(c.model)}`,
        { indices: [o.index], index: o.index, build: o.build },
      );
    case 'incomplete':
      return err(
        'INDEX_INCOMPLETE',
        `index ${o.index} behind alias ${c.alias} is an incomplete build (status: ${o.build.status})`,
        `finish a build and expose it: ${rebuildHint(c.model)}`,
        { indices: [o.index], index: o.index, build: o.build },
      );
    case 'index': {
      const seen = { indices: [o.index], index: o.index, build: o.build, documents: o.documents };
      if (o.newestEventAt !== null) {
        const ageMs = Math.max(0, c.now - o.newestEventAt);
        return {
          ...base,
          ...seen,
          newestEventAt: new Date(o.newestEventAt).toISOString(),
          ageMs,
          status: 'OK',
          reason: `${o.documents} documents in ${o.index}, newest event ${formatDuration(ageMs)} old`,
        };
      }
      if (o.documents > 0) {
        return err(
          'NO_EVENT_TIME',
          `none of the ${o.documents} documents in ${o.index} carries lastEventAt: they were not written by readmodel's projection`,
          `replace the index with a build of ${c.model}: ${rebuildHint(c.model)}`,
          seen,
        );
      }
      if (o.build.documents !== undefined && o.build.documents > 0) {
        return err(
          'INDEX_EMPTIED',
          `index ${o.index} is empty, but its build wrote ${o.build.documents} documents: someone deleted them`,
          `rebuild and expose the read model: ${rebuildHint(c.model)}`,
          seen,
        );
      }
      if (c.topicRecords === 0) return { ...base, ...seen, status: 'OK', reason: `${o.index} is empty, and so is topic ${c.topic}` };
      // An empty read model over a non-empty topic can be right (every aggregate deleted) but is rarely
      // so; freshness is unknown either way, so it never passes as OK.
      return {
        ...base,
        ...seen,
        status: 'WARN',
        problem: 'EMPTY_INDEX',
        reason: `${o.index} holds no documents${c.topicRecords === null ? '' : ` although topic ${c.topic} holds ${c.topicRecords} records`}: freshness unknown`,
        suggestion: `compare with a fresh build: readmodel rebuild ${c.model}, then readmodel diff ${c.model}`,
      };
    }
  }
}
