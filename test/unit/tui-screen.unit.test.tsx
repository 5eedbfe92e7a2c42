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

function emitRebuildStart(bus: ProgressBus) {
  bus.emit({ type: 'phase', phase: 'connect' });
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
    expect(f).toMatch(/readmodel\s+replay/);
    expect(f).toContain('✔ connect › ✔ snapshot › ▶ replay › finalize › gates › swap › catch-up');
    expect(f).toContain('target  product-search_v3_9f2c1a');
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
    const p0 = lines.find((l) => l.trim().startsWith('p0'))!;
    expect(p0).toMatch(/p0\s+█+░+\s+50%\s+1,000 \/ 2,000$/);
    const p1 = lines.find((l) => l.trim().startsWith('p1'))!;
    expect(p1).toMatch(/p1\s+█+\s+100%\s+1,100 \/ 1,100 from 100$/);
    expect(lines.find((l) => l.trim().startsWith('p2'))).toMatch(/100%\s+0 \/\s+0 empty$/);
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
    expect(f).toContain('! skipped invalid event p1@4711: /data/price/amountMinor minimum: must be >= 0 (topic products)');
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
    expect(f).toContain('p40'); // unfinished partitions come first
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
    emitRebuildStart(t.bus);
    t.bus.emit({ type: 'log', level: 'error', message: 'OpenSearch answered HTTP 503 three times' });
    t.bus.emit(progress);
    t.bus.emit({ type: 'phase', phase: 'finalize' });
    t.bus.emit({ type: 'phase', phase: 'gates' });
    t.bus.emit({ type: 'phase', phase: 'swap' });
    const f = await frameWith(t, '▶ swap');
    expect(f).toContain('✔ replay › ✔ finalize › ✔ gates › ▶ swap');
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
