import type { ProgressBus, ProgressEvent } from '../../core/progress/progress-events.js';
import type { CliIO } from '../cli-io.js';
import { formatBytes } from './tui/format.js';

export interface ViewOptions {
  json?: boolean;
  tui?: boolean;
}

export interface ProgressView {
  /** Stops the view and restores the terminal; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Picks how progress is shown: NDJSON on stderr for --json, a progress bar on an interactive stderr,
 * plain log lines otherwise. The work itself never knows which view is attached.
 */
export async function attachProgressView(bus: ProgressBus, io: CliIO, opts: ViewOptions): Promise<ProgressView> {
  if (opts.json) {
    const off = bus.subscribe((e) => io.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`));
    return { close: async () => void off() };
  }
  if (opts.tui !== false && io.stdout.isTTY && io.stderr.isTTY && io.env.CI === undefined) {
    const { attachInkView } = await import('./ink-view.js');
    return attachInkView(bus, io);
  }
  if (io.stderr.isTTY) {
    const { attachBarView } = await import('./bar-view.js');
    return attachBarView(bus, io);
  }
  const throttle = { last: 0 };
  const off = bus.subscribe((e) => {
    const line = plainLine(e, throttle);
    if (line) io.stderr.write(`${line}\n`);
  });
  return { close: async () => void off() };
}

/** One human line per event worth a line; progress at most every 5 s (per view) so CI logs stay readable. */
export function plainLine(e: ProgressEvent, throttle = { last: 0 }, now = Date.now()): string | undefined {
  switch (e.type) {
    case 'phase':
      return `[${e.phase}]${e.detail ? ` ${e.detail}` : ''}`;
    case 'target':
      return `target index ${e.index}${e.alias ? `; ${e.alias} -> ${e.aliasTargets?.join(',') || '(none)'}` : ''}`;
    case 'progress': {
      if (now - throttle.last < 5000) return undefined;
      throttle.last = now;
      const done = e.partitions.reduce((n, p) => n + (p.position - p.start), 0);
      const total = e.partitions.reduce((n, p) => n + (p.end - p.start), 0);
      return `progress ${done}/${total} events, ${e.eventsPerSec} ev/s, ${e.counters.docsWritten} docs written, ${e.counters.eventsInvalid} invalid, ${e.counters.retries} retries${e.counters.throttled ? ` (${e.counters.throttled} throttled)` : ''}${e.counters.splits ? `, ${e.counters.splits} splits` : ''}${e.etaSeconds !== undefined ? `, eta ${e.etaSeconds}s` : ''}`;
    }
    case 'retry': {
      if (e.kind === 'too-large') return `split: ${e.reason}`;
      const budget = e.elapsedMs !== undefined && e.budgetMs !== undefined && e.elapsedMs >= 1000 ? ` (failing for ${seconds(e.elapsedMs)} of a ${seconds(e.budgetMs)} retry budget)` : '';
      return `retry #${e.attempt} in ${e.delayMs} ms: ${e.reason}${budget}`;
    }
    case 'throttle':
      return e.throttled
        ? `${e.trend === 'up' ? 'throttling easing' : 'throttled by the search engine'}: now ${e.maxInFlight} bulk request${e.maxInFlight === 1 ? '' : 's'} in flight, bulks of at most ${formatBytes(e.maxBulkBytes)}${e.maxBulkWrites !== undefined ? ` / ${e.maxBulkWrites} writes` : ''}`
        : 'throttling cleared: full concurrency and bulk size again';
    case 'invalid':
      return `${e.action === 'skip' ? 'skipped' : 'invalid'} event ${e.position.topic}/${e.position.partition}@${e.position.offset}: ${e.violation.pointer} ${e.violation.rule}: ${e.violation.message}`;
    case 'gate':
      return `gate ${e.gate}: ${e.verdict}${e.reasons.length ? ` (${e.reasons.join('; ')})` : ''}`;
    case 'log':
      return `${e.level === 'info' ? '' : `${e.level}: `}${e.message}`;
  }
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
