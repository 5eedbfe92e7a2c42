import type { SkippedEvent } from '../core/rebuild/run-manifest.js';

/** The skipped events a report lists, up to a cap; past it they are only counted, so a poisoned topic cannot fill memory. */
export interface SkipLog {
  readonly listed: SkippedEvent[];
  readonly notListed: number;
  add(entry: SkippedEvent): void;
  /** Adds skips counted by an earlier, interrupted run (resume). */
  notListedBase(n: number): void;
}

export function createSkipLog(cap: number): SkipLog {
  const listed: SkippedEvent[] = [];
  let notListed = 0;
  return {
    listed,
    get notListed() {
      return notListed;
    },
    add(entry) {
      if (listed.length < cap) listed.push(entry);
      else notListed++;
    },
    notListedBase(n) {
      notListed += n;
    },
  };
}
