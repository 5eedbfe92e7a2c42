import type { ProgressBus } from '../../core/progress/progress-events.js';
import type { CliIO } from '../cli-io.js';
import type { ProgressView } from './attach-progress-view.js';
import { attachBarView } from './bar-view.js';

/** Placeholder until the interactive TUI lands: the bar view is the honest fallback. */
export async function attachInkView(bus: ProgressBus, io: CliIO): Promise<ProgressView> {
  return attachBarView(bus, io);
}
