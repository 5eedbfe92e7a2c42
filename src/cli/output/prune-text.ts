import type { PruneReport } from '../../app/run-prune.js';

/** The human report of `prune`: every build of the model, deleted or kept, and why. */
export function pruneText(r: PruneReport): string {
  const lines = r.decisions.map(
    (d) => `${d.action === 'delete' ? (r.dryRun ? 'would delete' : 'deleted') : 'keep'}  ${d.index}  ${d.docsCount} docs  (${d.reason})`,
  );
  if (lines.length === 0) lines.push(`no builds of ${r.model} found`);
  return `${lines.join('\n')}\n`;
}
