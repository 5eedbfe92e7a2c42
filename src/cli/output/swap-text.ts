import type { SwapResult } from '../../app/run-alias.js';

/** The human report of a swap: every gate's verdict, what was overridden, and the move itself. */
export function swapText(r: SwapResult, verb = 'swapped'): string {
  const lines: string[] = [];
  if (r.reconciled) {
    lines.push(`recorded an earlier change missing from the history: ${r.reconciled.from ?? '(none)'} -> ${r.reconciled.to}`);
  }
  for (const g of r.gates) lines.push(`gate ${g.gate}: ${g.verdict}${g.reasons.length ? ` (${g.reasons.join('; ')})` : ''}`);
  lines.push(`${verb} ${r.alias}: ${r.from ?? '(none)'} -> ${r.to}`);
  return `${lines.join('\n')}\n`;
}
