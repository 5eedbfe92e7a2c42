import type { ProgressBus } from '../../core/progress/progress-events.js';
import type { CliIO } from '../cli-io.js';
import { plainLine } from './plain-line.js';
import type { ProgressView } from './progress-view.js';

export interface ViewOptions {
  json?: boolean;
  tui?: boolean;
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
