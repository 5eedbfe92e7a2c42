import type { SwapResult } from '../../app/run-alias.js';
import type { RebuildResult } from '../../app/run-rebuild.js';
import { swapText } from './swap-text.js';

/** The human report of a rebuild: what was built (or found built), recorded history gaps, the swap. */
export function rebuildText(result: Pick<RebuildResult, 'outcome' | 'manifest' | 'shard'>, swap: SwapResult | undefined): string {
  const m = result.manifest;
  if (result.outcome === 'shard-done') {
    const cp = result.shard!;
    return (
      `${cp.shard} of ${m.index} finished: partitions ${cp.partitions.join(',')}, ${cp.counters.eventsRead} events read, checksum ${cp.checksum}\n` +
      `the build is complete once every shard finished and \`readmodel rebuild ${m.model} --seal\` ran\n`
    );
  }
  let text =
    result.outcome === 'already-built'
      ? `already built: ${m.index} (checksum ${m.checksum}); use --force to rebuild\n`
      : `built ${m.index}: ${m.counts?.eventsRead} events read, ${m.counts?.eventsApplied} applied, ${m.counts?.eventsSkipped} skipped, ${m.counts?.documents} documents, ${m.durationMs} ms\nchecksum ${m.checksum}\n`;
  for (const r of m.resumptions ?? []) text += `resumed ${r.at}${r.shard === 'all' ? '' : ` (${r.shard})`} from its checkpoint\n`;
  for (const g of m.historyGaps ?? []) {
    text += `history gap recorded: partition ${g.partition} offsets ${g.from}..${g.to - 1} (${g.to - g.from} events) were gone from Kafka; the swap gates refuse this build\n`;
  }
  if (swap) text += swapText(swap);
  return text;
}
