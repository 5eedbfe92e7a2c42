import type { ProgressEvent } from '../../core/progress/progress-events.js';
import { totalEvents } from '../../core/rebuild/offset-plan.js';
import { formatBytes } from './tui/format.js';

/** One human line per event worth a line; progress at most every 5 s (per view) so CI logs stay readable. */
export function plainLine(e: ProgressEvent, throttle = { last: 0 }, now = Date.now()): string | undefined {
  switch (e.type) {
    case 'phase':
      return `[${e.phase}]${e.detail ? ` ${e.detail}` : ''}`;
    case 'context': {
      const parts = [
        e.model ? `model ${e.model}` : undefined,
        e.topic ? `topic ${e.topic}` : undefined,
        e.brokers?.length ? `brokers ${e.brokers.join(',')}` : undefined,
        e.engine ? e.engine : undefined,
        e.cluster ? `cluster ${e.cluster}` : undefined,
      ].filter(Boolean);
      return parts.length ? parts.join(', ') : undefined;
    }
    case 'target':
      return `target index ${e.index}${e.alias ? `; ${e.alias} -> ${e.aliasTargets?.join(',') || '(none)'}` : ''}`;
    case 'progress': {
      if (now - throttle.last < 5000) return undefined;
      throttle.last = now;
      const done = e.partitions.reduce((n, p) => n + (p.position - p.start), 0);
      const total = totalEvents(e.partitions);
      return `progress ${done}/${total} events, ${e.eventsPerSec} ev/s, ${e.counters.docsWritten} docs written, ${e.counters.eventsInvalid} invalid, ${e.counters.retries} retries${e.counters.throttled ? ` (${e.counters.throttled} throttled)` : ''}${e.counters.splits ? `, ${e.counters.splits} splits` : ''}${e.etaSeconds !== undefined && Number.isFinite(e.etaSeconds) ? `, eta ${e.etaSeconds}s` : ''}`;
    }
    case 'retry': {
      if (e.kind === 'too-large') return `split: ${e.reason}`;
      const budget =
        e.elapsedMs !== undefined && e.budgetMs !== undefined && e.elapsedMs >= 1000
          ? ` (failing for ${seconds(e.elapsedMs)} of a ${seconds(e.budgetMs)} retry budget)`
          : '';
      return `retry #${e.attempt} in ${e.delayMs} ms: ${e.reason}${budget}`;
    }
    case 'throttle':
      return e.throttled
        ? `${e.trend === 'up' ? 'throttling easing' : 'throttled by the search engine'}: now ${e.maxInFlight} bulk request${e.maxInFlight === 1 ? '' : 's'} in flight, bulks of at most ${formatBytes(e.maxBulkBytes)}${e.maxBulkWrites !== undefined ? ` / ${e.maxBulkWrites} writes` : ''}`
        : 'throttling cleared: full concurrency and bulk size again';
    case 'invalid':
      return `${e.action === 'skip' ? 'skipped' : 'invalid'} event topic ${e.position.topic} partition ${e.position.partition} offset ${e.position.offset}: ${e.violation.pointer} ${e.violation.rule}: ${e.violation.message}`;
    case 'gate':
      return `gate ${e.gate}: ${e.verdict}${e.reasons.length ? ` (${e.reasons.join('; ')})` : ''}`;
    case 'log':
      return `${e.level === 'info' ? '' : `${e.level}: `}${e.message}`;
  }
}

const seconds = (ms: number) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
