import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { attachInkView } from '../../src/cli/output/ink-view.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { SourceUnavailableError } from '../../src/core/errors.js';

/** A terminal as ink sees it: a TTY that records what was written. */
class FakeTerminal extends Writable {
  isTTY = true;
  columns = 100;
  rows = 40;
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

/** A keyboard in raw mode: records raw-mode switches and lets the test type. */
class FakeKeyboard extends EventEmitter {
  isTTY = true;
  rawMode: boolean[] = [];
  private pending: string[] = [];
  setRawMode(on: boolean) {
    this.rawMode.push(on);
    return this;
  }
  setEncoding() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
  read(): string | null {
    return this.pending.shift() ?? null;
  }
  type(data: string) {
    this.pending.push(data);
    this.emit('readable');
  }
}

function fakeIO() {
  const stdout = new FakeTerminal();
  const stderr = new FakeTerminal();
  const stdin = new FakeKeyboard();
  const controller = new AbortController();
  const abort = vi.fn((reason?: Error) => controller.abort(reason));
  const io: CliIO = {
    stdout,
    stderr,
    stdin: stdin as unknown as NodeJS.ReadStream,
    env: {},
    cwd: '/',
    signal: controller.signal,
    abort,
  };
  return { io, stdout, stderr, stdin, abort };
}

describe('attachInkView', () => {
  it('holds command output while mounted and prints it below the last frame after close', async () => {
    const { io, stdout, stderr } = fakeIO();
    const bus = createProgressBus();
    const view = await attachInkView(bus, io, { color: true });
    bus.emit({ type: 'phase', phase: 'replay' });
    bus.emit({ type: 'target', index: 'ps_v1_abc', alias: 'ps_current', aliasTargets: [] });
    expect(io.stdout).not.toBe(stdout);
    io.stdout.write('built ps_v1_abc: 10 events read\n');
    io.stderr.write('note: something odd\n');
    expect(stdout.text).not.toContain('built ps_v1_abc');
    expect(stderr.text).not.toContain('something odd');

    await view.close();
    await view.close(); // safe twice
    expect(io.stdout).toBe(stdout);
    expect(io.stderr).toBe(stderr);
    const out = stripVTControlCharacters(stdout.text);
    // The last frame (with the stderr text in its warnings) comes first, the result line after it.
    expect(out).toContain('target  ps_v1_abc');
    expect(out).toContain('! note: something odd');
    expect(out.lastIndexOf('built ps_v1_abc')).toBeGreaterThan(out.lastIndexOf('target  ps_v1_abc'));
    expect(stderr.text).toContain('note: something odd');
  });

  it('q calls io.abort, shows aborting, and close turns raw mode off', async () => {
    const { io, stdout, stdin, abort } = fakeIO();
    const bus = createProgressBus();
    const view = await attachInkView(bus, io, { color: true });
    bus.emit({ type: 'phase', phase: 'replay' });
    await vi.waitFor(() => expect(stdin.rawMode).toContain(true));
    stdin.type('q');
    await vi.waitFor(() => expect(abort).toHaveBeenCalledTimes(1));
    expect(io.signal.aborted).toBe(true);
    await view.close();
    await vi.waitFor(() => expect(stdin.rawMode.at(-1)).toBe(false));
    expect(stripVTControlCharacters(stdout.text)).toContain('stopped: aborted (q pressed)');
  });

  it('shows the error the work failed with in the last frame, with what to do, before giving the terminal back', async () => {
    const { io, stdout } = fakeIO();
    const bus = createProgressBus();
    const view = await attachInkView(bus, io, { color: false });
    bus.emit({ type: 'phase', phase: 'snapshot' });
    bus.emit({ type: 'log', level: 'error', message: 'kafka: Connection error: connect ECONNREFUSED 127.0.0.1:1' });
    await view.close({
      error: new SourceUnavailableError('Kafka: connecting failed', { suggestion: 'check that the brokers are reachable' }),
    });
    const out = stripVTControlCharacters(stdout.text);
    expect(out).toContain('✖ kafka: Connection error: connect ECONNREFUSED 127.0.0.1:1');
    expect(out).toContain('failed: error[SOURCE_UNAVAILABLE] Kafka: connecting failed');
    expect(out).toContain('what to do: check that the brokers are reachable');
  });
});
