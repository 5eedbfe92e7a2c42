import type { ConsumeReport } from '../../app/run-consume.js';

/** The line `consume` prints when it stops. */
export function consumeText(r: ConsumeReport): string {
  return (
    `stopped: ${r.counters.eventsRead} events read, ${r.counters.docsWritten} documents written to ${r.target}` +
    (r.deadLetterTopic ? `, ${r.deadLettered} record(s) parked in ${r.deadLetterTopic}` : '') +
    (r.sinkWaits ? `, waited ${Math.round(r.sinkWaitMs / 1000)} s for the search engine` : '') +
    '\n'
  );
}
