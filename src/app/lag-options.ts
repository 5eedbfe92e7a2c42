import { UsageError } from '../core/errors.js';
import type { LagModel, LagMonitorOptions } from './lag-monitor.js';

export interface LagOptions extends LagMonitorOptions {
  /** Samples taken in one run (>= 1); the verdicts need at least 2 to see movement. */
  samples: number;
  intervalMs: number;
}

export function checkLagOptions(o: { samples?: number; intervalMs: number; models: readonly LagModel[] }): void {
  if (o.models.length === 0) throw new UsageError('no read model to measure', { code: 'NO_MODELS' });
  if (o.samples !== undefined && (!Number.isInteger(o.samples) || o.samples < 1)) {
    throw new UsageError(`--samples must be at least 1, got ${o.samples}`);
  }
  if (!(o.intervalMs >= 0)) throw new UsageError(`--interval must not be negative, got ${o.intervalMs}`);
}
