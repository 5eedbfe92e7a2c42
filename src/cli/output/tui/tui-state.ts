import type { Counters, PartitionProgress, Phase, ProgressEvent } from '../../../core/progress/progress-events.js';
import { formatBytes, formatCount, formatDuration } from './format.js';

/**
 * The terminal UI's view state and the pure reducer that folds the ProgressEvent stream into it.
 * No ink, no React, no clock: `now` is passed in, so every screen state is reproducible in a test.
 */

/** What the header names: where the work reads and writes. Merged from every `context` event. */
export interface TuiContext {
  model?: string;
  topic?: string;
  brokers?: string[];
  engine?: string;
  cluster?: string;
}

export interface TuiMessage {
  /** info: a verdict worth keeping in view (a passed swap gate); never set by log lines. */
  level: 'info' | 'warn' | 'error';
  text: string;
  /** When it was (last) seen. */
  at: number;
  /** Identical consecutive messages collapse into one line with a count. */
  repeat: number;
}

export interface TuiRates {
  eventsPerSec: number;
  docsPerSec: number;
  bulkLatencyMs: number;
  etaSeconds?: number;
}

export interface TuiState {
  startedAt: number;
  now: number;
  phase?: Phase;
  phaseDetail?: string;
  phaseSince?: number;
  /** Every phase entered so far, in order. */
  phasesSeen: Phase[];
  /** The phases the run announced it will go through (a phase may come twice); absent: only what was seen is listed. */
  plan?: Phase[];
  /** Index in `plan` of the current phase. */
  planStep?: number;
  /** Indices in `plan` of the phases actually entered (an already-built target skips the load). */
  planEntered?: number[];
  context: TuiContext;
  target?: { index: string; alias?: string; aliasTargets?: string[] };
  /** Sorted by partition number. */
  partitions: PartitionProgress[];
  counters?: Counters;
  rates?: TuiRates;
  lastProgressAt?: number;
  /** Retry events seen (one per retried request or bulk round). */
  retries: number;
  lastRetry?: { reason: string; attempt: number; delayMs: number; at: number; kind?: string; elapsedMs?: number; budgetMs?: number };
  /** The search sink's adaptive limits: present from the first throttling on. */
  throttle?: ThrottleView;
  /** Invalid events reported one by one (the counters may lag or run ahead of these). */
  invalidSeen: number;
  invalidSkipped: number;
  stoppedOnInvalid: boolean;
  /** The most recent warnings and errors, oldest first; at most `maxMessages`. */
  messages: TuiMessage[];
  /** How many warnings and errors there were in all (messages only keeps the last ones). */
  messagesTotal: number;
  maxMessages: number;
  /** The last informational log line of the current phase (cleared when the phase changes). */
  lastInfo?: string;
  aborting?: { at: number; reason: string };
  /** The error the work ended with, shown in the final frame before the UI lets go of the terminal. */
  fatal?: { message: string; code?: string; suggestion?: string };
  /** The view is closing: the work has ended; no more keys are read. */
  closed: boolean;
}

export interface ThrottleView {
  active: boolean;
  /** When the current (or last) throttling started, and when it cleared. */
  since: number;
  clearedAt?: number;
  maxInFlight: number;
  maxBulkBytes: number;
  maxBulkWrites?: number;
  /** Throttling episodes so far. */
  episodes: number;
}

/** What the UI itself adds to the event stream. */
export type UiAction =
  | { type: 'ui:aborting'; reason: string }
  | { type: 'ui:output'; text: string }
  | { type: 'ui:tick' }
  | { type: 'ui:fatal'; message: string; code?: string; suggestion?: string }
  | { type: 'ui:closed' };

export type TuiAction = ProgressEvent | UiAction;

export function initialTuiState(now: number, opts: { maxMessages?: number } = {}): TuiState {
  return {
    startedAt: now,
    now,
    phasesSeen: [],
    context: {},
    partitions: [],
    retries: 0,
    invalidSeen: 0,
    invalidSkipped: 0,
    stoppedOnInvalid: false,
    messages: [],
    messagesTotal: 0,
    maxMessages: Math.max(1, opts.maxMessages ?? 6),
    closed: false,
  };
}

export function reduceTui(state: TuiState, action: TuiAction, now: number): TuiState {
  const s: TuiState = { ...state, now };
  switch (action.type) {
    case 'phase': {
      const fresh = s.phase !== action.phase;
      s.phase = action.phase;
      if (action.detail !== undefined) s.phaseDetail = action.detail;
      else if (fresh) delete s.phaseDetail;
      if (fresh) {
        s.phaseSince = now;
        // The status line belongs to its phase: a catch-up round's line must not linger through the swap.
        delete s.lastInfo;
        if (s.plan) {
          const next = s.plan.indexOf(action.phase, s.planStep ?? 0);
          if (next >= 0) {
            s.planStep = next;
            s.planEntered = [...(s.planEntered ?? []), next];
          }
        }
      }
      if (!s.phasesSeen.includes(action.phase)) s.phasesSeen = [...s.phasesSeen, action.phase];
      return s;
    }
    case 'context': {
      const c: TuiContext = { ...s.context };
      if (action.model !== undefined) c.model = action.model;
      if (action.topic !== undefined) c.topic = action.topic;
      if (action.brokers !== undefined) c.brokers = [...action.brokers];
      if (action.engine !== undefined) c.engine = action.engine;
      if (action.cluster !== undefined) c.cluster = action.cluster;
      s.context = c;
      if (action.plan) {
        s.plan = [...action.plan];
        const at = s.phase ? s.plan.indexOf(s.phase) : -1;
        if (at >= 0) {
          s.planStep = at;
          s.planEntered = [at];
        }
      }
      return s;
    }
    case 'target': {
      const t: NonNullable<TuiState['target']> = { index: action.index };
      if (action.alias !== undefined) t.alias = action.alias;
      if (action.aliasTargets !== undefined) t.aliasTargets = [...action.aliasTargets];
      s.target = t;
      return s;
    }
    case 'progress': {
      s.partitions = mergePartitions(state.partitions, action.partitions);
      s.counters = { ...action.counters };
      const rates: TuiRates = { eventsPerSec: action.eventsPerSec, docsPerSec: action.docsPerSec, bulkLatencyMs: action.bulkLatencyMs };
      if (action.etaSeconds !== undefined) rates.etaSeconds = action.etaSeconds;
      s.rates = rates;
      s.lastProgressAt = now;
      return s;
    }
    case 'retry': {
      s.retries = state.retries + 1;
      const r: NonNullable<TuiState['lastRetry']> = { reason: action.reason, attempt: action.attempt, delayMs: action.delayMs, at: now };
      if (action.kind !== undefined) r.kind = action.kind;
      if (action.elapsedMs !== undefined) r.elapsedMs = action.elapsedMs;
      if (action.budgetMs !== undefined) r.budgetMs = action.budgetMs;
      s.lastRetry = r;
      // Retries are worth seeing where the errors are, not only as a count: repeats collapse into one line.
      if (action.kind === 'too-large') return s;
      return pushMessage(s, 'warn', `retrying: ${action.reason}`, now);
    }
    case 'throttle': {
      const prev = state.throttle;
      const starting = action.throttled && !prev?.active;
      const t: ThrottleView = {
        active: action.throttled,
        since: starting || !prev ? now : prev.since,
        maxInFlight: action.maxInFlight,
        maxBulkBytes: action.maxBulkBytes,
        episodes: (prev?.episodes ?? 0) + (starting ? 1 : 0),
      };
      if (action.maxBulkWrites !== undefined) t.maxBulkWrites = action.maxBulkWrites;
      if (!action.throttled) t.clearedAt = now;
      s.throttle = t;
      return s;
    }
    case 'invalid': {
      s.invalidSeen = state.invalidSeen + 1;
      if (action.action === 'skip') s.invalidSkipped = state.invalidSkipped + 1;
      else s.stoppedOnInvalid = true;
      const p = action.position;
      const v = action.violation;
      const what = [v.eventType, v.eventVersion !== undefined ? `v${v.eventVersion}` : undefined].filter(Boolean).join(' ');
      // The verdict and position first: a long message is cut at the right edge of the terminal.
      const text =
        `${action.action === 'skip' ? 'skipped' : 'stopping on'} invalid event at partition ${p.partition} offset ${p.offset}${what ? ` ${what}` : ''}: ` +
        `${v.pointer || '/'} ${v.rule}: ${v.message} (topic ${p.topic})`;
      return pushMessage(s, action.action === 'skip' ? 'warn' : 'error', text, now);
    }
    case 'gate':
      return pushMessage(
        s,
        action.verdict === 'passed' ? 'info' : action.verdict === 'overridden' ? 'warn' : 'error',
        `gate ${action.gate}: ${action.verdict}${action.reasons.length ? ` (${action.reasons.join('; ')})` : ''}`,
        now,
      );
    case 'log':
      if (action.level === 'info') {
        s.lastInfo = action.message;
        return s;
      }
      return pushMessage(s, action.level, action.message, now);
    case 'ui:output':
      // Text a command wrote to stderr while the UI owned the terminal: shown here, replayed on close.
      return action.text.trim() ? pushMessage(s, 'warn', action.text.trim(), now) : s;
    case 'ui:aborting':
      if (!s.aborting) s.aborting = { at: now, reason: action.reason };
      return s;
    case 'ui:tick':
      return s;
    case 'ui:fatal': {
      const f: NonNullable<TuiState['fatal']> = { message: action.message };
      if (action.code !== undefined) f.code = action.code;
      if (action.suggestion !== undefined) f.suggestion = action.suggestion;
      s.fatal = f;
      return pushMessage(s, 'error', `${action.code ? `error[${action.code}] ` : ''}${action.message}`, now);
    }
    case 'ui:closed':
      s.closed = true;
      return s;
  }
}

function pushMessage(s: TuiState, level: TuiMessage['level'], text: string, now: number): TuiState {
  s.messagesTotal += 1;
  const last = s.messages[s.messages.length - 1];
  if (last && last.level === level && last.text === text) {
    s.messages = [...s.messages.slice(0, -1), { ...last, at: now, repeat: last.repeat + 1 }];
    return s;
  }
  s.messages = [...s.messages, { level, text, at: now, repeat: 1 }].slice(-s.maxMessages);
  return s;
}

/**
 * Folds a round's partitions into what was shown so far: catch-up rounds and the final round after
 * the swap report only their own range (start = where the last round stopped), so each bar keeps its
 * first start and grows to the newest end, and the totals stay the build's, not the last round's.
 */
function mergePartitions(prev: readonly PartitionProgress[], next: readonly PartitionProgress[]): PartitionProgress[] {
  const byPartition = new Map(prev.map((p) => [p.partition, { ...p }]));
  for (const p of next) {
    const old = byPartition.get(p.partition);
    byPartition.set(
      p.partition,
      old
        ? {
            partition: p.partition,
            start: Math.min(old.start, p.start),
            end: Math.max(old.end, p.end),
            position: Math.max(old.position, p.position),
          }
        : { ...p },
    );
  }
  return [...byPartition.values()].sort((a, b) => a.partition - b.partition);
}

// ---- derived values the screen shows -------------------------------------------------------------

export interface PipelineStep {
  label: string;
  /** skipped: the run went past it without entering it (e.g. nothing to load: the build already existed). */
  state: 'done' | 'current' | 'todo' | 'skipped';
}

/**
 * The phases to list: the announced plan (a second catch-up after the swap reads "final round"), or,
 * without one, only the phases seen so far; a phase that will not run is never listed.
 */
export function pipelineSteps(s: TuiState): PipelineStep[] {
  const finished = s.closed && !s.aborting && !s.fatal;
  if (s.plan) {
    const at = s.planStep ?? -1;
    const entered = new Set(s.planEntered ?? []);
    return s.plan.map((phase, i) => ({
      label: phase === 'catch-up' && s.plan!.indexOf('catch-up') < i ? 'final round' : phase,
      state: i > at ? 'todo' : !entered.has(i) ? 'skipped' : i < at || finished ? 'done' : 'current',
    }));
  }
  return s.phasesSeen.map((phase) => ({ label: phase, state: phase === s.phase && !finished ? 'current' : 'done' }));
}

/** "partition 3 offset 1686 of 2000": the partition furthest behind, where reading is now. */
export function readingPosition(partitions: readonly PartitionProgress[]): string | undefined {
  const open = partitions.filter((p) => p.position < p.end);
  if (open.length === 0) return partitions.length ? 'every partition read to its end offset' : undefined;
  const behind = open.reduce((a, b) => (partitionFraction(b) < partitionFraction(a) ? b : a));
  return `partition ${behind.partition} offset ${behind.position} of ${behind.end}${open.length > 1 ? ` (${open.length} partitions still reading)` : ''}`;
}

/** The status line: what the run is doing right now, from the current phase's own news or its progress. */
export function statusLine(s: TuiState): string | undefined {
  if (s.lastInfo) return s.lastInfo;
  const index = s.target?.index;
  switch (s.phase) {
    case 'connect':
      return `connecting${s.context.engine ? ` to ${s.context.engine}` : ''}`;
    case 'snapshot':
      return `reading the end offsets${s.context.topic ? ` of ${s.context.topic}` : ''} and checking Kafka still holds the history`;
    case 'replay':
    case 'catch-up':
    case 'consume':
    case 'publish':
      return readingPosition(s.partitions);
    case 'finalize':
      return `restoring settings, computing the checksum and self-checking${index ? ` ${index}` : ''}`;
    case 'gates':
      return 'checking the swap gates';
    case 'swap':
      return s.target?.alias && index ? `moving ${s.target.alias} to ${index}` : 'swapping the alias';
    default:
      return undefined;
  }
}

/** What an abort leaves, one line each: the alias as it is, and the index the run was building. */
export function abortOutcome(s: TuiState): string[] {
  const t = s.target;
  const swapped = Boolean(t?.alias && t.aliasTargets?.includes(t.index) && s.phasesSeen.includes('swap'));
  const lines: string[] = [];
  if (t?.alias) {
    lines.push(
      swapped
        ? `alias ${t.alias} already points at ${t.index} (the swap was done)`
        : `alias ${t.alias} untouched (${t.aliasTargets?.length ? `still -> ${t.aliasTargets.join(', ')}` : 'still on no index'})`,
    );
  }
  if (!t || !s.phasesSeen.includes('replay')) lines.push('nothing was built');
  else if (swapped) lines.push('the final round stopped early: the live consumer covers what it did not read');
  else lines.push(`left behind: incomplete index ${t.index} (not live; re-running the rebuild replaces it)`);
  return lines;
}

export interface Totals {
  done: number;
  total: number;
  fraction: number;
}

export function totals(partitions: readonly PartitionProgress[]): Totals {
  let done = 0;
  let total = 0;
  for (const p of partitions) {
    const span = Math.max(0, p.end - p.start);
    total += span;
    done += Math.min(span, Math.max(0, p.position - p.start));
  }
  return { done, total, fraction: total === 0 ? (partitions.length > 0 ? 1 : 0) : done / total };
}

export function partitionFraction(p: PartitionProgress): number {
  const span = p.end - p.start;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (p.position - p.start) / span));
}

/** Invalid events so far: whichever of the counters and the individual reports is further along. */
export function invalidCount(s: TuiState): number {
  return Math.max(s.counters?.eventsInvalid ?? 0, s.invalidSeen);
}

/** "product-search_current -> ps_v3_ab12cd (live)", or why there is nothing to show. */
export function aliasState(s: TuiState): string | undefined {
  const t = s.target;
  if (!t?.alias) return undefined;
  const targets = t.aliasTargets ?? [];
  const now = targets.length === 0 ? '(no index yet)' : targets.join(', ');
  const note = targets.includes(t.index) ? ' (the target is live)' : s.phase === 'swap' ? ' (swapping to the target)' : '';
  return `${t.alias} -> ${now}${note}`;
}

/** "throttled for 12s: 1 bulk in flight, bulks ≤ 256 KiB / 125 writes", or how the last episode ended. */
export function throttleLine(s: TuiState): string | undefined {
  const t = s.throttle;
  if (!t) return undefined;
  if (!t.active) {
    return `cleared ${formatDuration((s.now - (t.clearedAt ?? s.now)) / 1000)} ago after ${formatDuration(((t.clearedAt ?? s.now) - t.since) / 1000)}${t.episodes > 1 ? ` (${t.episodes} episodes)` : ''}`;
  }
  const size = [`≤ ${formatBytes(t.maxBulkBytes)}`, t.maxBulkWrites !== undefined ? `${formatCount(t.maxBulkWrites)} writes` : undefined]
    .filter(Boolean)
    .join(' / ');
  return `throttled by the engine for ${formatDuration((s.now - t.since) / 1000)}: ${t.maxInFlight} bulk${t.maxInFlight === 1 ? '' : 's'} in flight, bulks ${size}`;
}

/** Seconds since the last progress report while replaying, when that is long enough to worry. */
export function stalledSeconds(s: TuiState, thresholdMs = 10_000): number | undefined {
  if (s.phase !== 'replay' || s.closed) return undefined;
  const since = s.lastProgressAt ?? s.phaseSince;
  if (since === undefined) return undefined;
  const idle = s.now - since;
  return idle >= thresholdMs ? Math.floor(idle / 1000) : undefined;
}

/**
 * Which partitions get a bar when not all fit: unfinished ones first (in partition order), then
 * finished ones; `hidden` summarises the rest so nothing silently disappears.
 */
export function visiblePartitions(
  partitions: readonly PartitionProgress[],
  maxRows: number,
): { shown: PartitionProgress[]; hidden: { count: number; done: number } } {
  if (partitions.length <= maxRows) return { shown: [...partitions], hidden: { count: 0, done: 0 } };
  const rows = Math.max(1, maxRows - 1); // one row for the summary line
  const open = partitions.filter((p) => partitionFraction(p) < 1);
  const finished = partitions.filter((p) => partitionFraction(p) >= 1);
  const picked = new Set([...open, ...finished].slice(0, rows));
  const shown = partitions.filter((p) => picked.has(p));
  const rest = partitions.filter((p) => !picked.has(p));
  return { shown, hidden: { count: rest.length, done: rest.filter((p) => partitionFraction(p) >= 1).length } };
}
