import type { ProgressBus } from '../../core/progress/progress-events.js';
import type { CliIO } from '../cli-io.js';
import { terminalCapabilities } from '../terminal.js';
import { plainLine } from './plain-line.js';
import type { ProgressView } from './progress-view.js';

export interface ViewOptions {
  json?: boolean;
  tui?: boolean;
}

/**
 * Picks how progress is shown: NDJSON on stderr for --json, the interactive UI when both streams are
 * terminals that allow cursor movement (not TERM=dumb, not CI), a progress bar when only stderr is one,
 * plain log lines otherwise. Colour follows terminalCapabilities (NO_COLOR). The work itself never
 * knows which view is attached.
 */
export async function attachProgressView(bus: ProgressBus, io: CliIO, opts: ViewOptions): Promise<ProgressView> {
  if (opts.json) {
    const off = bus.subscribe((e) => io.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`));
    return { close: async () => void off() };
  }
  const out = terminalCapabilities(io.env, io.stdout);
  const err = terminalCapabilities(io.env, io.stderr);
  if (opts.tui !== false && out.cursor && err.cursor && io.env.CI === undefined) {
    const { attachInkView } = await import('./ink-view.js');
    return attachInkView(bus, io, { color: out.color });
  }
  if (err.cursor) {
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
