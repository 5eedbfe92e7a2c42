import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BatchProjector } from '../../src/app/batch-projector.js';
import { replayRanges } from '../../src/app/replay-ranges.js';
import type { CliIO } from '../../src/cli/cli-io.js';
import { attachProgressView } from '../../src/cli/output/attach-progress-view.js';
import { attachBarView, etaText } from '../../src/cli/output/bar-view.js';
import { plainLine } from '../../src/cli/output/plain-line.js';
import { terminalCapabilities } from '../../src/cli/terminal.js';
import type { EventSource, RawRecord } from '../../src/core/ports/event-source.js';
import { createProgressBus, emptyCounters, type ProgressEvent } from '../../src/core/progress/progress-events.js';

/** A stream that says it is a terminal and keeps what is written to it. */
function terminal(): Writable & { isTTY: boolean; columns: number; text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: string };
  w.isTTY = true;
  w.columns = 100;
  w.text = '';
  return w;
}

function io(env: NodeJS.ProcessEnv): CliIO & { stdout: ReturnType<typeof terminal>; stderr: ReturnType<typeof terminal> } {
  return { stdout: terminal(), stderr: terminal(), env, cwd: '/', signal: new AbortController().signal };
}

const progress = (over: Partial<Extract<ProgressEvent, { type: 'progress' }>> = {}): ProgressEvent => ({
  type: 'progress',
  partitions: [{ partition: 0, start: 0, end: 100, position: 40 }],
  counters: emptyCounters(),
  eventsPerSec: 0,
  docsPerSec: 0,
  bulkLatencyMs: 0,
  ...over,
});

describe('terminal capabilities: one place decides', () => {
  it.each([
    ['a terminal', {}, true, { color: true, cursor: true }],
    ['NO_COLOR=1', { NO_COLOR: '1' }, true, { color: false, cursor: true }],
    ['NO_COLOR set to anything', { NO_COLOR: 'false' }, true, { color: false, cursor: true }],
    ['NO_COLOR empty (unset, per no-color.org)', { NO_COLOR: '' }, true, { color: true, cursor: true }],
    ['TERM=dumb', { TERM: 'dumb' }, true, { color: false, cursor: false }],
    ['not a terminal', {}, false, { color: false, cursor: false }],
  ])('%s', (_name, env, isTTY, expected) => {
    expect(terminalCapabilities(env, { isTTY })).toEqual(expected);
  });

  it('TERM=dumb gets plain progress lines even on terminals: no UI, no bar, no escape', async () => {
    const t = io({ TERM: 'dumb' });
    const bus = createProgressBus();
    const view = await attachProgressView(bus, t, {});
    bus.emit({ type: 'phase', phase: 'replay' });
    bus.emit(progress());
    await view.close();
    expect(t.stderr.text).toContain('[replay]\n');
    expect(t.stderr.text + t.stdout.text).not.toContain('\u001b');
  });
});

describe('progress bar eta', () => {
  it('reads "-" when unknown and never INF', () => {
    expect(etaText(undefined)).toBe('-');
    expect(etaText(Infinity)).toBe('-');
    expect(etaText(NaN)).toBe('-');
    expect(etaText(185)).toBe('3m05s');
  });

  it('the bar shows "eta -" before any rate is known, and the event eta after', async () => {
    const t = io({});
    const bus = createProgressBus();
    const view = attachBarView(bus, t);
    bus.emit(progress());
    bus.emit(progress({ partitions: [{ partition: 0, start: 0, end: 100, position: 100 }] }));
    bus.emit(progress({ eventsPerSec: 10, etaSeconds: 6 }));
    await view.close();
    expect(t.stderr.text).toContain('eta -');
    expect(t.stderr.text).toContain('eta 6s');
    expect(t.stderr.text).not.toMatch(/INF/i);
  });
});

describe('plain progress lines', () => {
  it('name the context and positions as partition / offset', () => {
    expect(
      plainLine({
        type: 'context',
        model: 'product-search',
        topic: 'products',
        brokers: ['k1:9092'],
        engine: 'opensearch 3.1.0',
        cluster: 'c1',
      }),
    ).toBe('model product-search, topic products, brokers k1:9092, opensearch 3.1.0, cluster c1');
    expect(plainLine({ type: 'context', plan: ['connect'] })).toBeUndefined();
    expect(
      plainLine({
        type: 'invalid',
        position: { topic: 'products', partition: 3, offset: '1686' },
        violation: { pointer: '/data/price', rule: 'minimum', message: 'must be >= 0' },
        action: 'skip',
      }),
    ).toBe('skipped event topic products partition 3 offset 1686: /data/price minimum: must be >= 0');
  });
});

describe('replay rates', () => {
  it("a short final round reports its own documents per second, not the build's total over milliseconds", async () => {
    // A projector that already wrote 5,505 documents in earlier rounds; this round reads 2 events, writes 2.
    const counters = { ...emptyCounters(), docsWritten: 5505 };
    const projector = {
      counters,
      lastBulkLatencyMs: 0,
      async process(records: readonly RawRecord[]) {
        counters.docsWritten += records.length;
      },
      async flush() {},
    } as unknown as BatchProjector;
    const source = {
      async *readRanges() {
        yield [1, 2].map((i) => ({ topic: 't', partition: 0, offset: 99 + i, key: null, value: null, timestamp: 0 }));
      },
    } as unknown as EventSource;
    let clock = 0;
    const bus = createProgressBus();
    const seen: Array<Extract<ProgressEvent, { type: 'progress' }>> = [];
    bus.subscribe((e) => e.type === 'progress' && seen.push(e));
    await replayRanges({
      source,
      projector,
      progress: bus,
      topic: 't',
      ranges: [{ partition: 0, start: 100, end: 102 }],
      batchSize: 10,
      // One second for the round.
      now: () => (clock += 500),
    });
    const last = seen.at(-1)!;
    expect(last.docsPerSec).toBeLessThanOrEqual(2);
    expect(last.partitions).toEqual([{ partition: 0, start: 100, end: 102, position: 102 }]);
  });
});
