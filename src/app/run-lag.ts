import type { LagReport } from '../core/lag/lag-report.js';
import { sleep } from '../core/retry.js';
import { createLagMonitor, type LagDeps } from './lag-monitor.js';
import { checkLagOptions, type LagOptions } from './lag-options.js';

// The lag command's entry points; the exporter and the alert error live in their own files.
export { LagAlertError } from './lag-alert-error.js';
export { serveLag } from './serve-lag.js';

/** Nothing could be read for any model (Kafka or the engine out of reach): more samples only repeat the failure. */
function unreadable(report: LagReport): boolean {
  return report.models.every((m) => m.error || m.readModel?.problem === 'ENGINE_UNREACHABLE');
}

/** Takes `samples` samples `intervalMs` apart and returns the verdict over them. */
export async function runLag(o: LagOptions, deps: LagDeps): Promise<LagReport> {
  checkLagOptions(o);
  const monitor = createLagMonitor(o, deps);
  let report = await monitor.sample();
  for (let i = 1; i < o.samples && !unreadable(report); i++) {
    await sleep(o.intervalMs, o.signal);
    report = await monitor.sample();
  }
  return report;
}

/**
 * Samples every `intervalMs` until the signal aborts, handing each report to `onReport`; returns the
 * last report (undefined when aborted before the first).
 */
export async function watchLag(
  o: Omit<LagOptions, 'samples'> & { signal: AbortSignal },
  deps: LagDeps,
  onReport: (report: LagReport) => void | Promise<void>,
): Promise<LagReport | undefined> {
  checkLagOptions(o);
  const monitor = createLagMonitor(o, deps);
  let last: LagReport | undefined;
  try {
    for (;;) {
      last = await monitor.sample();
      await onReport(last);
      await sleep(o.intervalMs, o.signal);
    }
  } catch (err) {
    if (o.signal.aborted) return last;
    throw err;
  }
}
