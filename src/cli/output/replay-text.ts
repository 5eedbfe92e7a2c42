import type { ReplayReport } from '../../app/run-replay.js';

/** The human report of `replay`: what was scanned, each aggregate's outcome, and what was written. */
export function replayText(r: ReplayReport): string {
  const lines = [
    `scanned ${r.eventsScanned} events in partition(s) ${r.partitions.map((p) => p.partition).join(',')} of ${r.topic}; ${r.eventsMatched} matched`,
  ];
  for (const d of r.documents) lines.push(`  ${d.id}: ${d.action === 'none' ? 'no events found' : `${d.action} at version ${d.version}`}`);
  if (r.dryRun) {
    lines.push('dry run: nothing written. Documents:');
    for (const d of r.documents) if (d.doc) lines.push(JSON.stringify(d.doc));
  } else lines.push(`${r.target}: ${r.written} written, ${r.deleted} deleted, ${r.keptNewer} kept (newer in the index)`);
  return `${lines.join('\n')}\n`;
}
