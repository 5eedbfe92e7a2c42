import cliProgress from 'cli-progress';
import type { ProgressBus } from '../../core/progress/progress-events.js';
import { totalEvents } from '../../core/rebuild/offset-plan.js';
import type { CliIO } from '../cli-io.js';
import { plainLine } from './plain-line.js';
import { formatDuration } from './tui/format.js';
import type { ProgressView } from './progress-view.js';

/** "42s", "3m05s"; "-" when unknown (no rate yet), never "INF". */
export function etaText(seconds: number | undefined): string {
  return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? '-' : formatDuration(seconds);
}

/** A single cli-progress bar on stderr; other events print above it so errors stay visible. */
export function attachBarView(bus: ProgressBus, io: CliIO): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      // Our own eta (from the progress event), not cli-progress's: that one reads "INF" before the first
      // events and after a round with nothing to read.
      format: '{phase} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | eta {etaText}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phase = 'start';
  const off = bus.subscribe((e) => {
    if (e.type === 'progress') {
      const done = e.partitions.reduce((n, p) => n + (p.position - p.start), 0);
      const total = totalEvents(e.partitions);
      if (!started) {
        bar.start(total, done, { phase, rate: e.eventsPerSec, etaText: etaText(e.etaSeconds) });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { phase, rate: e.eventsPerSec, etaText: etaText(e.etaSeconds) });
      return;
    }
    if (e.type === 'phase') phase = e.phase;
    const line = plainLine(e);
    if (!line) return;
    if (started) bar.stop();
    io.stderr.write(`${line}\n`);
    started = false;
  });
  return {
    close: async () => {
      off();
      if (started) bar.stop();
    },
  };
}
