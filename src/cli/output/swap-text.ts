import type { SwapPlan, SwapResult } from '../../app/run-alias.js';

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

/**
 * The human report of `alias swap|rollback --dry-run`: every gate's verdict and the request, in the
 * form Kibana/OpenSearch Dev Tools take, so an operator can read exactly what would be sent.
 */
export function swapPlanText(p: SwapPlan): string {
  const lines = ['dry run: nothing changed (no alias change, no swap history entry, no lease)'];
  for (const g of p.gates) lines.push(`gate ${g.gate}: ${g.verdict}${g.reasons.length ? ` (${g.reasons.join('; ')})` : ''}`);
  if (p.wouldReconcile) {
    lines.push(
      `would first record an earlier change missing from the history: ${p.wouldReconcile.from ?? '(none)'} -> ${p.wouldReconcile.to}`,
    );
  }
  const verb = p.action === 'rollback' ? 'roll back' : 'swap';
  const request = [`${p.request.method} ${p.request.path}`, JSON.stringify(p.request.body, null, 2)];
  if (p.wouldSwap) {
    lines.push(`would ${verb} ${p.alias}: ${p.from ?? '(none)'} -> ${p.to}, sending:`, ...request);
  } else {
    lines.push(`would refuse to ${verb} ${p.alias}: ${p.from ?? '(none)'} -> ${p.to}; nothing would be sent`);
    lines.push('with --override-gates it would send:', ...request);
  }
  return `${lines.join('\n')}\n`;
}
