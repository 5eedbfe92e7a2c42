import type { ContractViolation } from '../contracts/contract-types.js';
import type { EventPosition } from '../envelope.js';

export type Phase = 'connect' | 'snapshot' | 'replay' | 'finalize' | 'gates' | 'swap' | 'catch-up' | 'publish' | 'consume' | 'done';

export interface PartitionProgress {
  partition: number;
  start: number;
  end: number;
  position: number;
}

export interface Counters {
  eventsRead: number;
  eventsApplied: number;
  eventsStale: number;
  eventsIgnored: number;
  eventsInvalid: number;
  docsWritten: number;
  docsDeleted: number;
  retries: number;
  /** Bulk items or requests the engine throttled (429) and that were retried. */
  throttled: number;
  /** Bulk requests split because the engine refused their size (413). */
  splits: number;
  /** Documents the engine refused for good (handled under the --on-invalid policy). */
  docsRejected: number;
}

export function emptyCounters(): Counters {
  return {
    eventsRead: 0,
    eventsApplied: 0,
    eventsStale: 0,
    eventsIgnored: 0,
    eventsInvalid: 0,
    docsWritten: 0,
    docsDeleted: 0,
    retries: 0,
    throttled: 0,
    splits: 0,
    docsRejected: 0,
  };
}

/** Everything long-running work reports; the TUI, the progress bar and NDJSON output all subscribe. */
export type ProgressEvent =
  | { type: 'phase'; phase: Phase; detail?: string }
  /**
   * What the work runs against, for views' headers; sent by whoever knows a part (the CLI the brokers,
   * the engine code the model, topic, search engine and its cluster), views merge them. `plan`: the
   * phases the run will go through, in order, so views list no phase that will not run.
   */
  | {
      type: 'context';
      model?: string;
      topic?: string;
      brokers?: string[];
      /** Search engine and version, e.g. "opensearch 2.19.3". */
      engine?: string;
      /** The search engine's cluster name. */
      cluster?: string;
      plan?: Phase[];
    }
  | { type: 'target'; index: string; alias?: string; aliasTargets?: string[] }
  | {
      type: 'progress';
      partitions: PartitionProgress[];
      counters: Counters;
      eventsPerSec: number;
      docsPerSec: number;
      bulkLatencyMs: number;
      etaSeconds?: number;
    }
  | {
      type: 'retry';
      reason: string;
      attempt: number;
      delayMs: number;
      /** Why: throttled (429), unavailable (502/503/504, reset, timeout), or too-large (413: split, no wait). */
      kind?: 'throttled' | 'unavailable' | 'too-large';
      /** How long this request has been failing, and the retry budget it may use. */
      elapsedMs?: number;
      budgetMs?: number;
      /** Bulk writes re-sent. */
      writes?: number;
    }
  /** The search sink's adaptive limits changed: throttling started, the limits moved, or it cleared. */
  | { type: 'throttle'; throttled: boolean; trend?: 'down' | 'up'; maxInFlight: number; maxBulkBytes: number; maxBulkWrites?: number }
  | { type: 'gate'; gate: string; verdict: 'passed' | 'failed' | 'overridden'; reasons: string[] }
  | { type: 'invalid'; position: EventPosition; violation: ContractViolation; action: 'skip' | 'stop' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type ProgressListener = (event: ProgressEvent) => void;

export interface ProgressBus {
  emit(event: ProgressEvent): void;
  subscribe(listener: ProgressListener): () => void;
}

export function createProgressBus(): ProgressBus {
  const listeners = new Set<ListenerEntry>();
  type ListenerEntry = { fn: ProgressListener };
  return {
    emit(event) {
      for (const l of listeners) {
        try {
          l.fn(event);
        } catch {
          // A broken view must never break the work it is watching.
        }
      }
    },
    subscribe(fn) {
      const entry = { fn };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
}

/** A bus nobody listens to, for callers that do not care. */
export const silentProgress: ProgressBus = { emit: () => undefined, subscribe: () => () => undefined };
