import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createProgressBus,
  emptyCounters,
  type Counters,
  type ProgressBus,
  type ProgressEvent,
} from '../../src/core/progress/progress-events.js';
import { RebuildScreen } from '../../src/cli/output/tui/RebuildScreen.js';
import { createTuiStore, type TuiStore } from '../../src/cli/output/tui/tui-store.js';

const counters = (over: Partial<Counters> = {}): Counters => ({ ...emptyCounters(), ...over });

const progress: ProgressEvent = {
  type: 'progress',
  partitions: [
    { partition: 0, start: 0, end: 2000, position: 1000 },
    { partition: 1, start: 100, end: 1100, position: 1100 },
    { partition: 2, start: 0, end: 0, position: 0 },
  ],
  counters: counters({ eventsRead: 2000, eventsApplied: 1990, eventsInvalid: 3, docsWritten: 812, retries: 4 }),
  eventsPerSec: 1234,
  docsPerSec: 567,
  bulkLatencyMs: 48,
  etaSeconds: 185,
};

function setup(opts: { rows?: number; columns?: number; onForceQuit?: () => void } = {}) {
  let clock = 1_000_000;
  const bus = createProgressBus();
  const store = createTuiStore(bus, { throttleMs: 0, tickMs: 0, maxMessages: 4, now: () => clock });
  const onAbort = vi.fn();
  const ui = render(
    <RebuildScreen
      store={store}
      onAbort={onAbort}
      {...(opts.onForceQuit ? { onForceQuit: opts.onForceQuit } : {})}
      size={{ columns: opts.columns ?? 110, rows: opts.rows ?? 40 }}
    />,
  );
  return {
    bus,
    store,
    onAbort,
    ui,
    advance: (ms: number) => (clock += ms),
    frame: () => stripVTControlCharacters(ui.lastFrame() ?? ''),
  };
}

/** Ink renders on its own schedule; wait until the frame shows what we expect. */
async function frameWith(t: { frame: () => string }, ...needles: Array<string | RegExp>): Promise<string> {
  let last = '';
  await vi.waitFor(
    () => {
      last = t.frame();
      for (const n of needles) {
        if (typeof n === 'string') expect(last).toContain(n);
        else expect(last).toMatch(n);
      }
    },
    { timeout: 2000, interval: 10 },
  );
  return last;
}

function emitRebuildStart(bus: ProgressBus, opts: { swap?: boolean } = {}) {
  bus.emit({ type: 'context', brokers: ['kafka-1:9092', 'kafka-2:9092'] });
  bus.emit({ type: 'phase', phase: 'connect' });
  bus.emit({
    type: 'context',
    model: 'product-search',
    topic: 'product-events',
    engine: 'opensearch 3.1.0',
    cluster: 'search-prod',
    plan: opts.swap
      ? ['connect', 'snapshot', 'replay', 'catch-up', 'finalize', 'gates', 'swap', 'catch-up']
      : ['connect', 'snapshot', 'replay', 'finalize'],
  });
  bus.emit({
    type: 'target',
    index: 'product-search_v3_9f2c1a',
    alias: 'product-search_current',
    aliasTargets: ['product-search_v2_77aa01'],
  });
  bus.emit({ type: 'phase', phase: 'snapshot' });
  bus.emit({ type: 'phase', phase: 'replay' });
}

afterEach(() => cleanup());

describe('RebuildScreen', () => {
  it('shows the phase pipeline, the target index and the alias state', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    const f = await frameWith(t, '▶ replay');

    // Without --swap, the phases that will not run (catch-up, gates, swap) are not listed.
    expect(f).toContain('✔ connect › ✔ snapshot › ▶ replay › finalize');
    expect(f).not.toMatch(/gates|swap ›|catch-up/);
    // The header names what the run reads and writes.
    expect(f).toMatch(/readmodel product-search\s+replay/);
    expect(f).toContain('source  topic product-events · brokers kafka-1:9092,kafka-2:9092');
    expect(f).toContain('target  product-search_v3_9f2c1a · opensearch 3.1.0 cluster search-prod');

    expect(f).toContain('alias   product-search_current -> product-search_v2_77aa01');
    expect(f).toContain('partitions: waiting for the offset snapshot');
    expect(f).toContain('q / Ctrl-C  abort');
  });

  it('draws a bar per partition with position / end, and the totals, rates, ETA, retries and invalid count', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.bus.emit({ type: 'retry', reason: 'HTTP 429', attempt: 2, delayMs: 400 });
    t.bus.emit(progress);
    const f = await frameWith(t, 'events/s');
    const lines = f.split('\n');
    // Positions read as Kafka tools write them: partition N offset M (no digit grouping: an offset is not a count).
    const p0 = lines.find((l) => l.trim().startsWith('partition 0'))!;
    expect(p0).toMatch(/partition 0\s+█+░+\s+50%\s+offset 1000 of 2000$/);
    const p1 = lines.find((l) => l.trim().startsWith('partition 1'))!;
    expect(p1).toMatch(/partition 1\s+█+\s+100%\s+offset 1100 of 1100 from 100$/);
    expect(lines.find((l) => l.trim().startsWith('partition 2'))).toMatch(/100%\s+offset\s+0 of\s+0 empty$/);
    expect(f).toContain('status  partition 0 offset 1000 of 2000');
    expect(lines.find((l) => l.trim().startsWith('all'))).toMatch(/all\s+█+░+\s+66%\s+2,000 \/ 3,000 events$/);
    expect(f).toContain('rate     1,234 events/s  ·  567 docs/s  ·  bulk 48 ms');
    expect(f).toContain('ETA      3m05s');
    expect(f).toContain('retries  1 · 4 documents re-sent (last: HTTP 429, attempt 2, waited 400 ms)');
    expect(f).toContain('invalid  3');
    expect(f).toContain('counts   read 2,000 · applied 1,990');
    // The bar length follows the progress: p0 is half full.
    const filled = p0.match(/█+/)![0].length;
    const empty = p0.match(/░+/)![0].length;
    expect(Math.abs(filled - empty)).toBeLessThanOrEqual(1);
  });

  it('shows throttling: the adaptive limits while it lasts, the retry budget used, and when it cleared', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.bus.emit({ type: 'throttle', throttled: true, maxInFlight: 1, maxBulkBytes: 512 * 1024, maxBulkWrites: 250 });
    t.bus.emit({
      type: 'retry',
      reason: '120 of 250 bulk items throttled (429)',
      attempt: 3,
      delayMs: 800,
      kind: 'throttled',
      elapsedMs: 12_000,
      budgetMs: 300_000,
      writes: 120,
    });
    t.bus.emit({
      ...progress,
      counters: counters({ ...(progress as { counters: Counters }).counters, retries: 480, throttled: 470, splits: 2 }),
    } as ProgressEvent);
    t.advance(12_000);
    t.bus.emit({ type: 'log', level: 'info', message: 'tick' });
    const f = await frameWith(t, 'throttle ');
    expect(f).toContain('throttle throttled by the engine for 12s: 1 bulk in flight, bulks ≤ 512 KiB / 250 writes');
    expect(f).toContain('480 documents re-sent · 470 throttled · 2 bulk splits');
    expect(f).toContain('failing for 12s of 5m00s');
    t.advance(3_000);
    t.bus.emit({ type: 'throttle', throttled: false, maxInFlight: 8, maxBulkBytes: 8 * 1024 * 1024 });
    const g = await frameWith(t, 'throttle cleared');
    expect(g).toContain('throttle cleared 0s ago after 15s');
  });

  it('keeps warnings, errors and invalid events on screen, the last N, whatever the progress does', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.bus.emit({ type: 'log', level: 'error', message: 'bulk write to product-search_v3_9f2c1a failed: HTTP 503' });
    t.bus.emit({
      type: 'invalid',
      position: { topic: 'products', partition: 1, offset: '4711' },
      violation: { pointer: '/data/price/amountMinor', rule: 'minimum', message: 'must be >= 0' },
      action: 'skip',
    });
    for (let i = 0; i < 5; i++) t.bus.emit(progress);
    const f = await frameWith(t, 'warnings & errors: 2');
    expect(f).toContain('✖ bulk write to product-search_v3_9f2c1a failed: HTTP 503');
    expect(f).toContain('! skipped invalid event at partition 1 offset 4711: /data/price/amountMinor minimum: must be >= 0');
    // Five more warnings: only the last four fit the section, the count says how many there were.
    for (let i = 1; i <= 5; i++) t.bus.emit({ type: 'log', level: 'warn', message: `lag warning ${i}` });
    const g = await frameWith(t, 'warnings & errors: 7 (last 4 shown)');
    expect(g).not.toContain('HTTP 503');
    expect(g).toContain('! lag warning 5');
    expect(g).not.toContain('lag warning 1');
  });

  it('never lets the partition bars push the warnings off a small terminal', async () => {
    const t = setup({ rows: 24 });
    emitRebuildStart(t.bus);
    t.bus.emit({ type: 'log', level: 'error', message: 'the one error that matters' });
    t.bus.emit({
      ...progress,
      partitions: Array.from({ length: 48 }, (_, i) => ({ partition: i, start: 0, end: 100, position: i < 40 ? 100 : 50 })),
    });
    const f = await frameWith(t, 'the one error that matters', 'more partitions');
    expect(f.split('\n').length).toBeLessThan(24);
    expect(f).toContain('partition 40'); // unfinished partitions come first
    expect(f).toMatch(/… \d+ more partitions \(\d+ done\)/);
    expect(f).toContain('q / Ctrl-C  abort');
  });

  it('pressing q calls abort once and shows "aborting…" until the view closes', async () => {
    const forceQuit = vi.fn();
    const t = setup({ onForceQuit: forceQuit });
    emitRebuildStart(t.bus);
    t.bus.emit(progress);
    await frameWith(t, 'q / Ctrl-C  abort');
    t.ui.stdin.write('q');
    const f = await frameWith(t, 'aborting…');
    expect(t.onAbort).toHaveBeenCalledTimes(1);
    expect(f).toContain('aborting… (q pressed) waiting for the work to stop at a safe point');
    expect(f).not.toContain('q / Ctrl-C  abort');
    // Still aborting while the work winds down; a second q does nothing more.
    t.bus.emit(progress);
    t.ui.stdin.write('q');
    await frameWith(t, 'aborting…');
    expect(t.onAbort).toHaveBeenCalledTimes(1);
    expect(forceQuit).not.toHaveBeenCalled();
    // The work ended: the last frame drops the key hints and says it stopped.
    t.store.dispatch({ type: 'ui:closed' });
    await frameWith(t, 'stopped: aborted (q pressed)');
    expect(t.frame()).not.toContain('aborting…');
    expect(t.frame()).toContain('ETA      — (aborting)');
    expect(t.frame()).not.toContain('q / Ctrl-C');
    t.ui.stdin.write('q');
    expect(t.onAbort).toHaveBeenCalledTimes(1);
  });

  it('Ctrl-C aborts like q; a second Ctrl-C asks to quit at once', async () => {
    const forceQuit = vi.fn();
    const t = setup({ onForceQuit: forceQuit });
    emitRebuildStart(t.bus);
    await frameWith(t, 'q / Ctrl-C  abort');
    t.ui.stdin.write('\u0003');
    await frameWith(t, 'aborting… (Ctrl-C)', 'Ctrl-C again quits at once');
    expect(t.onAbort).toHaveBeenCalledTimes(1);
    t.ui.stdin.write('\u0003');
    await vi.waitFor(() => expect(forceQuit).toHaveBeenCalledTimes(1));
    expect(t.onAbort).toHaveBeenCalledTimes(1);
  });

  it('an abort from elsewhere (SIGINT, SIGTERM) also shows aborting', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.store.dispatch({ type: 'ui:aborting', reason: 'aborted by SIGTERM' });
    await frameWith(t, 'aborting… (aborted by SIGTERM)');
    expect(t.onAbort).not.toHaveBeenCalled();
  });

  it('an error stays visible through later phases and progress', async () => {
    const t = setup();
    emitRebuildStart(t.bus, { swap: true });
    t.bus.emit({ type: 'log', level: 'error', message: 'OpenSearch answered HTTP 503 three times' });
    t.bus.emit(progress);
    t.bus.emit({ type: 'phase', phase: 'catch-up' });
    t.bus.emit({ type: 'phase', phase: 'finalize' });
    t.bus.emit({ type: 'phase', phase: 'gates' });
    t.bus.emit({ type: 'phase', phase: 'swap' });
    const f = await frameWith(t, '▶ swap');
    expect(f).toContain('✔ replay › ✔ catch-up › ✔ finalize › ✔ gates › ▶ swap › final round');
    expect(f).toContain('✖ OpenSearch answered HTTP 503 three times');
    expect(f).toContain('ETA      replay done');
  });

  it('flags a replay that has not moved for a while', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.bus.emit(progress);
    t.advance(15_000);
    t.store.dispatch({ type: 'ui:tick' });
    await frameWith(t, 'no progress for 15s');
  });
});

describe('RebuildScreen: what an operator needs to see', () => {
  it('keeps the status line live: the phase news, then the next phase, never a stale first line', async () => {
    const t = setup();
    emitRebuildStart(t.bus, { swap: true });
    t.bus.emit(progress);
    await frameWith(t, 'status  partition 0 offset 1000 of 2000');
    t.bus.emit({ type: 'phase', phase: 'catch-up' });
    t.bus.emit({ type: 'log', level: 'info', message: 'catch-up round 1: 5000 events behind' });
    await frameWith(t, 'status  catch-up round 1: 5000 events behind');
    t.bus.emit({ type: 'phase', phase: 'finalize' });
    const f = await frameWith(t, 'status  restoring settings, computing the checksum and self-checking product-search_v3_9f2c1a');
    expect(f).not.toContain('catch-up round 1');
    t.bus.emit({ type: 'phase', phase: 'gates' });
    await frameWith(t, 'status  checking the swap gates');
  });

  it('lists the final round after the swap as its own step', async () => {
    const t = setup();
    emitRebuildStart(t.bus, { swap: true });
    for (const phase of ['catch-up', 'finalize', 'gates', 'swap'] as const) t.bus.emit({ type: 'phase', phase });
    t.bus.emit({ type: 'phase', phase: 'catch-up', detail: 'final round after the swap' });
    const f = await frameWith(t, '▶ final round');
    expect(f).toContain('✔ catch-up › ✔ finalize › ✔ gates › ✔ swap › ▶ final round');
  });

  it('marks the load steps skipped when the build already existed and only the swap runs', async () => {
    const t = setup();
    t.bus.emit({ type: 'phase', phase: 'connect' });
    t.bus.emit({ type: 'context', plan: ['connect', 'snapshot', 'replay', 'catch-up', 'finalize', 'gates', 'swap', 'catch-up'] });
    t.bus.emit({ type: 'phase', phase: 'snapshot' });
    t.bus.emit({ type: 'phase', phase: 'gates' });
    const f = await frameWith(t, '▶ gates');
    expect(f).toContain('✔ connect › ✔ snapshot › – replay › – catch-up › – finalize › ▶ gates › swap › final round');
  });

  it('shows search engine retries and Kafka errors in the errors pane, repeats collapsed', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    for (let i = 1; i <= 3; i++) t.bus.emit({ type: 'retry', reason: 'search engine unavailable: HTTP 503', attempt: i, delayMs: 100 });
    t.bus.emit({ type: 'log', level: 'error', message: 'kafka: Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
    const f = await frameWith(t, 'warnings & errors: 4');
    expect(f).toContain('! retrying: search engine unavailable: HTTP 503 (×3)');
    expect(f).toContain('✖ kafka: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  });

  it('shows gate verdicts and the fatal error inside the screen before it closes', async () => {
    const t = setup();
    emitRebuildStart(t.bus, { swap: true });
    t.bus.emit({ type: 'phase', phase: 'gates' });
    t.bus.emit({ type: 'gate', gate: 'count-drift', verdict: 'failed', reasons: ['documents 80 vs 100 live (20% > 5%)'] });
    t.store.dispatch({
      type: 'ui:fatal',
      code: 'GATE_REFUSED',
      message: 'swap refused by gate count-drift',
      suggestion: 'look at the build, or --override-gates',
    });
    t.store.dispatch({ type: 'ui:closed' });
    const f = await frameWith(t, 'failed: error[GATE_REFUSED] swap refused by gate count-drift');
    expect(f).toContain('✖ gate count-drift: failed (documents 80 vs 100 live (20% > 5%))');
    expect(f).toContain('what to do: look at the build, or --override-gates');
    expect(f).not.toContain('q / Ctrl-C  abort');
  });

  it('says on abort that the alias is untouched and what was left behind', async () => {
    const t = setup();
    emitRebuildStart(t.bus);
    t.bus.emit(progress);
    t.store.dispatch({ type: 'ui:aborting', reason: 'Ctrl-C' });
    t.store.dispatch({ type: 'ui:closed' });
    const f = await frameWith(t, 'stopped: aborted (Ctrl-C)');
    expect(f).toContain('  alias product-search_current untouched (still -> product-search_v2_77aa01)');
    expect(f).toContain('  left behind: incomplete index product-search_v3_9f2c1a (not live; re-running the rebuild replaces it)');
  });

  it('an abort before anything was built says so', async () => {
    const t = setup();
    t.bus.emit({ type: 'phase', phase: 'connect' });
    t.bus.emit({ type: 'target', index: 'ps_v3', alias: 'ps_current', aliasTargets: [] });
    t.store.dispatch({ type: 'ui:aborting', reason: 'Ctrl-C' });
    t.store.dispatch({ type: 'ui:closed' });
    await frameWith(t, 'stopped: aborted (Ctrl-C)\n  alias ps_current untouched (still on no index)\n  nothing was built');
  });

  it('keeps the build figures through the final round (no "0 / 0 events")', async () => {
    const t = setup();
    emitRebuildStart(t.bus, { swap: true });
    t.bus.emit({
      ...progress,
      partitions: [
        { partition: 0, start: 0, end: 3000, position: 3000 },
        { partition: 1, start: 0, end: 2505, position: 2505 },
      ],
    });
    for (const phase of ['catch-up', 'finalize', 'gates', 'swap'] as const) t.bus.emit({ type: 'phase', phase });
    t.bus.emit({ type: 'phase', phase: 'catch-up', detail: 'final round after the swap' });
    // The final round reads what arrived during the swap: here nothing, a range that starts where the build stopped.
    t.bus.emit({
      ...progress,
      partitions: [
        { partition: 0, start: 3000, end: 3000, position: 3000 },
        { partition: 1, start: 2505, end: 2507, position: 2507 },
      ],
      eventsPerSec: 0,
      docsPerSec: 2,
    });
    const f = await frameWith(t, '5,507 / 5,507 events');
    expect(f).not.toContain('0 / 0 events');
    expect(f).toMatch(/partition 1\s+█+\s+100%\s+offset 2507 of 2507$/m);
  });
});

describe('tui store', () => {
  it('folds every event but re-renders at most once per throttle window, always showing the last', async () => {
    const bus = createProgressBus();
    const store: TuiStore = createTuiStore(bus, { throttleMs: 50, tickMs: 0 });
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getState().retries));
    for (let i = 0; i < 20; i++) bus.emit({ type: 'retry', reason: 'x', attempt: i, delayMs: 1 });
    expect(store.getState().retries).toBe(20);
    await vi.waitFor(() => expect(seen.at(-1)).toBe(20), { timeout: 1000, interval: 10 });
    expect(seen.length).toBeLessThanOrEqual(2);
    store.stop();
    bus.emit({ type: 'retry', reason: 'x', attempt: 99, delayMs: 1 });
    expect(store.getState().retries).toBe(20);
  });
});
