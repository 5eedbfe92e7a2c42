import { Box } from 'ink';
import type { PartitionProgress } from '../../../core/progress/progress-events.js';
import { bar, formatCount, formatPercent } from './format.js';
import { Styled as Text } from './Styled.js';
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
  // Positions are offsets, written as Kafka tools write them ("partition 3 offset 1686"), not as counts.
  const labelWidth = Math.max(3, ...shown.map((p) => `partition ${p.partition}`.length));
  const numWidth = Math.max(...partitions.map((p) => String(p.end).length));
  // "  " + label + " " + bar + " " + pct(4) + "  offset " + pos + " of " + end + suffix room
  const barWidth = Math.max(8, Math.min(50, width - (2 + labelWidth + 1 + 1 + 4 + 9 + numWidth * 2 + 4 + 12)));
  return (
    <Box flexDirection="column">
      {shown.map((p) => {
        const f = partitionFraction(p);
        const finished = f >= 1;
        return (
          <Text key={p.partition} wrap="truncate-end">
            {'  '}
            <Text bold>{`partition ${p.partition}`.padEnd(labelWidth)}</Text>{' '}
            <Text color={finished ? 'green' : 'cyan'}>{bar(f, barWidth)}</Text> {formatPercent(f)}
            {`  offset ${String(p.position).padStart(numWidth)} of ${String(p.end).padStart(numWidth)}`}
            {p.end <= p.start ? <Text dimColor> empty</Text> : p.start > 0 ? <Text dimColor>{` from ${p.start}`}</Text> : null}
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
        {`  ${formatCount(all.done)} / ${formatCount(all.total)} events`}
      </Text>
    </Box>
  );
}
