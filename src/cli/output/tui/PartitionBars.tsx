import { Box, Text } from 'ink';
import type { PartitionProgress } from '../../../core/progress/progress-events.js';
import { bar, formatCount, formatPercent } from './format.js';
import { partitionFraction, totals, visiblePartitions } from './tui-state.js';

export interface PartitionBarsProps {
  partitions: readonly PartitionProgress[];
  /** Terminal columns available. */
  width: number;
  /** Rows available for per-partition bars (the "all" line comes on top of these). */
  maxRows: number;
}

/**
 * One bar per partition, from its start offset to its end offset, with "position / end" numbers,
 * and an "all" line. When there are more partitions than rows, unfinished ones are shown first and
 * the rest are summarised on one line.
 */
export function PartitionBars({ partitions, width, maxRows }: PartitionBarsProps) {
  if (partitions.length === 0) {
    return <Text dimColor> partitions: waiting for the offset snapshot…</Text>;
  }
  const { shown, hidden } = visiblePartitions(partitions, Math.max(1, maxRows));
  const all = totals(partitions);
  const labelWidth = Math.max(3, ...shown.map((p) => `p${p.partition}`.length));
  const numWidth = Math.max(...partitions.map((p) => formatCount(p.end).length), formatCount(all.total).length);
  // "  " + label + " " + bar + " " + pct(4) + "  " + pos + " / " + end + suffix room
  const barWidth = Math.max(8, Math.min(50, width - (2 + labelWidth + 1 + 1 + 4 + 2 + numWidth * 2 + 3 + 12)));
  return (
    <Box flexDirection="column">
      {shown.map((p) => {
        const f = partitionFraction(p);
        const finished = f >= 1;
        return (
          <Text key={p.partition} wrap="truncate-end">
            {'  '}
            <Text bold>{`p${p.partition}`.padEnd(labelWidth)}</Text> <Text color={finished ? 'green' : 'cyan'}>{bar(f, barWidth)}</Text>{' '}
            {formatPercent(f)}
            {'  '}
            {formatCount(p.position).padStart(numWidth)} / {formatCount(p.end).padStart(numWidth)}
            {p.end <= p.start ? <Text dimColor> empty</Text> : p.start > 0 ? <Text dimColor>{` from ${formatCount(p.start)}`}</Text> : null}
          </Text>
        );
      })}
      {hidden.count > 0 ? (
        <Text dimColor wrap="truncate-end">
          {`  … ${hidden.count} more partition${hidden.count === 1 ? '' : 's'} (${hidden.done} done)`}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        {'  '}
        <Text bold>{'all'.padEnd(labelWidth)}</Text> <Text color={all.fraction >= 1 ? 'green' : 'blue'}>{bar(all.fraction, barWidth)}</Text>{' '}
        {formatPercent(all.fraction)}
        {'  '}
        {formatCount(all.done).padStart(numWidth)} / {formatCount(all.total).padStart(numWidth)} events
      </Text>
    </Box>
  );
}
