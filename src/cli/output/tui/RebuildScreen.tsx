import { Box, useInput, useStdin, useWindowSize } from 'ink';
import { useSyncExternalStore } from 'react';
import { clip, formatCount, formatDuration } from './format.js';
import { PartitionBars } from './PartitionBars.js';
import { Styled as Text } from './Styled.js';
import {
  abortOutcome,
  aliasState,
  invalidCount,
  pipelineSteps,
  stalledSeconds,
  statusLine,
  throttleLine,
  type TuiState,
} from './tui-state.js';
import type { TuiStore } from './tui-store.js';

export interface RebuildScreenProps {
  store: TuiStore;
  /** Stops the work, as Ctrl-C would (q, or the first Ctrl-C). */
  onAbort: () => void;
  /** A second Ctrl-C while aborting: quit now, without waiting for a safe point. */
  onForceQuit?: () => void;
  /** Read keys at all (only when stdin is an interactive terminal). */
  inputEnabled?: boolean;
  /** Overrides the terminal size (tests). */
  size?: { columns: number; rows: number };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Lines the screen uses besides the per-partition bars; the bars get what is left of the terminal. */
function fixedRows(s: TuiState): number {
  const header = 2 + (sourceLine(s) ? 1 : 0) + (s.target || engineLine(s) ? 1 : 0) + (aliasState(s) ? 1 : 0) + (statusLine(s) ? 1 : 0);
  const bars = 1 + 1 + 1; // blank, "all", blank
  const stats = 5 + (s.throttle ? 1 : 0);
  const messages = 1 + 1 + s.messages.length; // blank, title, lines
  const footer = s.closed && s.aborting ? 2 + abortOutcome(s).length : s.closed && !s.fatal ? 0 : s.fatal?.suggestion ? 3 : 2;
  return header + bars + stats + messages + footer;
}

/**
 * The interactive rebuild screen: phase pipeline, target index and alias, per-partition bars, rates,
 * ETA, retries, invalid events, and a warnings & errors section that always keeps its room on screen.
 */
export function RebuildScreen({ store, onAbort, onForceQuit, inputEnabled = true, size }: RebuildScreenProps) {
  const s = useSyncExternalStore(store.subscribe, store.getState);
  const windowSize = useWindowSize();
  const { isRawModeSupported } = useStdin();
  const columns = Math.max(40, size?.columns ?? windowSize.columns);
  const rows = Math.max(12, size?.rows ?? windowSize.rows);

  useInput(
    (input, key) => {
      const ctrlC = key.ctrl && input === 'c';
      if (!ctrlC && input !== 'q' && input !== 'Q') return;
      const now = store.getState();
      if (now.closed) return;
      if (now.aborting) {
        if (ctrlC) onForceQuit?.();
        return;
      }
      store.dispatch({ type: 'ui:aborting', reason: ctrlC ? 'Ctrl-C' : 'q pressed' });
      store.flush();
      onAbort();
    },
    { isActive: inputEnabled && isRawModeSupported && !s.closed },
  );

  // Ink repaints from the top when a frame is as tall as the terminal; keep one row spare.
  const barRows = Math.max(1, rows - 1 - fixedRows(s));
  const elapsed = formatDuration((s.now - s.startedAt) / 1000);
  const spin = s.closed ? ' ' : SPINNER[Math.floor(s.now / 100) % SPINNER.length];
  const stalled = stalledSeconds(s);
  const invalid = invalidCount(s);
  const alias = aliasState(s);
  const width = columns - 1;
  const status = statusLine(s);
  const source = sourceLine(s);
  const engine = engineLine(s);

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold color="magenta">
          readmodel
        </Text>
        {s.context.model ? <Text bold>{` ${s.context.model}`}</Text> : null}
        {'  '}
        <Text bold color={s.aborting ? 'yellow' : 'cyan'}>
          {s.phase ?? 'starting'}
        </Text>
        {s.phaseDetail ? <Text> {s.phaseDetail}</Text> : null}
        {s.phaseSince !== undefined ? <Text dimColor>{` for ${formatDuration((s.now - s.phaseSince) / 1000)}`}</Text> : null}
        <Text dimColor>{`  ·  ${elapsed} elapsed  `}</Text>
        <Text color="cyan">{spin}</Text>
      </Text>
      <Pipeline s={s} />
      {source ? <Text wrap="truncate-end">{`  source  ${clip(source, width - 10)}`}</Text> : null}
      {s.target || engine ? (
        <Text wrap="truncate-end">
          {'  target  '}
          {s.target ? <Text bold>{s.target.index}</Text> : null}
          {engine ? `${s.target ? ' · ' : ''}${engine}` : null}
        </Text>
      ) : null}
      {alias ? <Text wrap="truncate-end">{`  alias   ${alias}`}</Text> : null}
      {status ? <Text dimColor wrap="truncate-end">{`  status  ${clip(status, width - 10)}`}</Text> : null}

      <Text> </Text>
      <PartitionBars partitions={s.partitions} width={width} maxRows={barRows} />
      <Text> </Text>

      <Stats s={s} stalled={stalled} invalid={invalid} width={width} />

      <Text> </Text>
      <Messages s={s} width={width} />

      {s.closed && !s.aborting && !s.fatal ? null : (
        <>
          <Text> </Text>
          {s.closed && s.aborting ? (
            <>
              <Text bold color="yellow" wrap="truncate-end">{`stopped: aborted (${s.aborting.reason})`}</Text>
              {abortOutcome(s).map((line) => (
                <Text key={line} wrap="truncate-end">
                  {clip(`  ${line}`, width)}
                </Text>
              ))}
            </>
          ) : s.fatal ? (
            <>
              <Text bold color="red" wrap="truncate-end">
                {clip(`failed: ${s.fatal.code ? `error[${s.fatal.code}] ` : ''}${s.fatal.message}`, width)}
              </Text>
              {s.fatal.suggestion ? <Text wrap="truncate-end">{clip(`  what to do: ${s.fatal.suggestion}`, width)}</Text> : null}
            </>
          ) : s.aborting ? (
            <Text bold color="yellow" wrap="truncate-end">
              {`aborting… (${s.aborting.reason}) waiting for the work to stop at a safe point`}
              {onForceQuit ? <Text dimColor>{'  ·  Ctrl-C again quits at once'}</Text> : null}
            </Text>
          ) : (
            <Text dimColor wrap="truncate-end">
              {inputEnabled && isRawModeSupported ? 'q / Ctrl-C  abort' : 'Ctrl-C  abort'}
            </Text>
          )}
        </>
      )}
    </Box>
  );
}

/** "topic product-events · brokers kafka-1:9092,kafka-2:9092": where the run reads. */
function sourceLine(s: TuiState): string | undefined {
  const c = s.context;
  const parts = [c.topic ? `topic ${c.topic}` : undefined, c.brokers?.length ? `brokers ${c.brokers.join(',')}` : undefined].filter(
    Boolean,
  );
  return parts.length ? parts.join(' · ') : undefined;
}

/** "opensearch 3.1.0 cluster search-prod": where the run writes. */
function engineLine(s: TuiState): string | undefined {
  const c = s.context;
  const parts = [c.engine, c.cluster ? `cluster ${c.cluster}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

function Pipeline({ s }: { s: TuiState }) {
  const steps = pipelineSteps(s);
  if (steps.length === 0) return <Text dimColor>{'  starting'}</Text>;
  return (
    <Text wrap="truncate-end">
      {'  '}
      {steps.map((step, i) => {
        const isCurrent = step.state === 'current';
        const done = step.state === 'done';
        const mark = isCurrent ? '▶ ' : done ? '✔ ' : step.state === 'skipped' ? '– ' : '';
        return (
          <Text key={`${i}-${step.label}`}>
            {i > 0 ? <Text dimColor>{' › '}</Text> : null}
            <Text bold={isCurrent} color={isCurrent ? (s.aborting || s.fatal ? 'yellow' : 'cyan') : done ? 'green' : 'gray'}>
              {mark}
              {step.label}
            </Text>
          </Text>
        );
      })}
    </Text>
  );
}

function Stats({ s, stalled, invalid, width }: { s: TuiState; stalled: number | undefined; invalid: number; width: number }) {
  const r = s.rates;
  const c = s.counters;
  const eta = s.aborting
    ? '— (aborting)'
    : s.phase === 'replay' && r?.etaSeconds !== undefined
      ? formatDuration(r.etaSeconds)
      : s.phasesSeen.includes('replay') && s.phase !== 'replay'
        ? 'replay done'
        : '—';
  const lr = s.lastRetry;
  // The retry budget first: on a narrow terminal the reason is what gets cut.
  const budgetNote =
    lr?.elapsedMs !== undefined && lr.budgetMs !== undefined
      ? `failing for ${formatDuration(lr.elapsedMs / 1000)} of ${formatDuration(lr.budgetMs / 1000)}; `
      : '';
  const retryNote = lr ? ` (${budgetNote}last: ${lr.reason}, attempt ${lr.attempt}, waited ${formatCount(lr.delayMs)} ms)` : '';
  const resent = [
    c && c.retries > 0 ? `${formatCount(c.retries)} documents re-sent` : undefined,
    c && c.throttled > 0 ? `${formatCount(c.throttled)} throttled` : undefined,
    c && c.splits > 0 ? `${formatCount(c.splits)} bulk splits` : undefined,
  ]
    .filter(Boolean)
    .map((x) => ` · ${x}`)
    .join('');
  const throttle = throttleLine(s);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {'  rate     '}
        {r
          ? `${formatCount(r.eventsPerSec)} events/s  ·  ${formatCount(r.docsPerSec)} docs/s  ·  bulk ${formatCount(r.bulkLatencyMs)} ms`
          : '—'}
        {stalled !== undefined ? <Text color="yellow">{`  no progress for ${formatDuration(stalled)}`}</Text> : null}
      </Text>
      <Text wrap="truncate-end">{`  ETA      ${eta}`}</Text>
      <Text wrap="truncate-end">
        {'  retries  '}
        <Text color={s.retries > 0 ? 'yellow' : undefined}>{formatCount(s.retries)}</Text>
        {clip(`${resent}${retryNote}`, Math.max(10, width - 20))}
      </Text>
      {throttle ? (
        <Text wrap="truncate-end">
          {'  throttle '}
          <Text color={s.throttle?.active ? 'yellow' : 'green'}>{clip(throttle, Math.max(10, width - 11))}</Text>
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        {'  invalid  '}
        <Text color={s.stoppedOnInvalid ? 'red' : invalid > 0 ? 'yellow' : undefined}>{formatCount(invalid)}</Text>
        {s.invalidSkipped > 0 ? ` (${formatCount(s.invalidSkipped)} skipped)` : ''}
        {s.stoppedOnInvalid ? <Text color="red"> (stopping: --on-invalid stop)</Text> : null}
      </Text>
      <Text dimColor wrap="truncate-end">
        {c
          ? `  counts   read ${formatCount(c.eventsRead)} · applied ${formatCount(c.eventsApplied)} · stale ${formatCount(c.eventsStale)} · ignored ${formatCount(c.eventsIgnored)} · docs written ${formatCount(c.docsWritten)} · deleted ${formatCount(c.docsDeleted)}`
          : '  counts   —'}
      </Text>
    </Box>
  );
}

function Messages({ s, width }: { s: TuiState; width: number }) {
  if (s.messagesTotal === 0) return <Text dimColor>warnings & errors: none so far</Text>;
  const more = s.messagesTotal > s.messages.length ? ` (last ${s.messages.length} shown)` : '';
  return (
    <Box flexDirection="column">
      <Text bold color={s.messages.some((m) => m.level === 'error') ? 'red' : 'yellow'}>
        {`warnings & errors: ${formatCount(s.messagesTotal)}${more}`}
      </Text>
      {s.messages.map((m, i) => (
        <Text key={`${i}-${m.at}`} color={m.level === 'error' ? 'red' : m.level === 'info' ? 'green' : 'yellow'} wrap="truncate-end">
          {clip(`  ${m.level === 'error' ? '✖' : m.level === 'info' ? '✔' : '!'} ${m.text}${m.repeat > 1 ? ` (×${m.repeat})` : ''}`, width)}
        </Text>
      ))}
    </Box>
  );
}
