import type { SwapPlan } from '../../../app/run-alias.js';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { swapPlanText } from '../../output/swap-text.js';

/**
 * Prints a dry run's plan and ends as the real run would: a gate refusal still exits 7. In JSON the
 * refusal travels inside the plan (one document on stdout), so the error is marked as reported.
 */
export function reportSwapPlan(io: CliIO, plan: SwapPlan, json: boolean): void {
  const { refusal, ...rest } = plan;
  if (json) {
    writeJson(io, { ...rest, ...(refusal ? { refusal: refusal.toJSON() } : {}) });
    if (refusal) throw Object.assign(refusal, { reported: true });
    return;
  }
  io.stdout.write(swapPlanText(plan));
  if (refusal) throw refusal;
}
