import type { EventSource, HistoryGap, PartitionRange, PartitionWatermarks } from '../core/ports/event-source.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { silentProgress, type ProgressBus } from '../core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { checkHistory, describeGap, neededStarts, truncatedHistoryError, type HistoryVerdict } from '../core/rebuild/history-check.js';
import { planRanges, type EndSpec, type StartSpec } from '../core/rebuild/offset-plan.js';
import { sameBuildInputs, type RunManifest } from '../core/rebuild/run-manifest.js';
import type { ModelAssets } from './model-assets.js';
import { readManifest } from './read-manifest.js';

interface HistoryDeps {
  source: EventSource;
  sink: SearchSink;
}

export interface HistoryCheckOptions {
  model: ReadModelDefinition;
  topic: string;
  start: StartSpec;
  watermarks: readonly PartitionWatermarks[];
  ranges: readonly PartitionRange[];
}

/** Every build of the model found by name whose manifest says it belongs to this model. */
export async function buildsOf(sink: SearchSink, model: ReadModelDefinition): Promise<RunManifest[]> {
  const out: RunManifest[] = [];
  for (const i of await sink.listIndices(`${model.indexBase}_v*`)) {
    const m = await readManifest(sink, i.name);
    if (m?.model === model.name) out.push(m);
  }
  return out;
}

/** The pre-flight history verdict: what the rebuild needs, what Kafka still holds, how long it keeps it. */
export async function assessHistory(o: HistoryCheckOptions, deps: HistoryDeps): Promise<HistoryVerdict> {
  const [config, builds] = await Promise.all([deps.source.topicConfig(o.topic), buildsOf(deps.sink, o.model)]);
  const needed = neededStarts(o.start, o.ranges, o.topic, builds);
  return checkHistory({ topic: o.topic, watermarks: o.watermarks, ranges: o.ranges, start: o.start, needed, config });
}

export interface HistoryGuard {
  verdict: HistoryVerdict;
  /** Gaps the build carries (pre-flight ones, then any met while reading); empty without acknowledgement. */
  gaps: HistoryGap[];
  /** Passed to the reader only when the operator acknowledged truncated history. */
  onGap?: (gap: HistoryGap) => void;
}

/**
 * The rebuild's pre-flight, run before anything is created or deleted: missing history is a refusal
 * (TRUNCATED_HISTORY, exit 12) unless acknowledged, and then every gap is recorded for the manifest.
 */
export async function guardHistory(
  o: HistoryCheckOptions & { allowTruncatedHistory?: boolean },
  deps: HistoryDeps & { progress: ProgressBus },
): Promise<HistoryGuard> {
  const verdict = await assessHistory(o, deps);
  const { progress } = deps;
  for (const w of verdict.warnings) progress.emit({ type: 'log', level: 'warn', message: w });
  const compaction = verdict.retention.reasons.find((r) => r.startsWith('cleanup.policy'));
  if (compaction) progress.emit({ type: 'log', level: 'warn', message: `topic "${o.topic}": ${compaction}` });
  if (verdict.gaps.length > 0 && !o.allowTruncatedHistory) throw truncatedHistoryError(verdict, o.model.name);
  if (!o.allowTruncatedHistory) return { verdict, gaps: [] };
  const gaps = [...verdict.gaps];
  for (const g of gaps) {
    progress.emit({
      type: 'log',
      level: 'warn',
      message: `history missing (acknowledged): ${describeGap(g)}; recorded in the manifest, the swap gates will refuse this build`,
    });
  }
  return {
    verdict,
    gaps,
    onGap: (g) => {
      gaps.push(g);
      progress.emit({
        type: 'log',
        level: 'warn',
        message: `events deleted while reading (acknowledged): partition ${g.partition} offsets ${g.from}..${g.to - 1}; recorded in the manifest`,
      });
    },
  };
}

export interface PreflightOptions {
  assets: ModelAssets;
  topic?: string;
  start: StartSpec;
  end: EndSpec;
  allowTruncatedHistory?: boolean;
}

export type TargetStatus = 'absent' | 'complete' | 'building' | 'no-manifest' | 'other-model';

export interface PreflightReport {
  model: string;
  topic: string;
  history: HistoryVerdict;
  alias: { name: string; targets: string[] };
  target: { index: string; exists: boolean; status: TargetStatus; live: boolean; sameInputs?: boolean; builtFor?: string };
  acknowledged: boolean;
  /** False when history is missing and was not acknowledged: the rebuild would refuse (exit 12). */
  wouldRun: boolean;
}

/**
 * `readmodel check` and `rebuild --dry-run`: everything the rebuild would decide before replaying,
 * read-only. Nothing is created, deleted or written.
 */
export async function runPreflight(o: PreflightOptions, deps: HistoryDeps & { progress?: ProgressBus }): Promise<PreflightReport> {
  const { model } = o.assets;
  const { source, sink } = deps;
  const progress = deps.progress ?? silentProgress;
  const topic = o.topic ?? model.topic;
  const alias = aliasName(model);
  progress.emit({ type: 'phase', phase: 'connect' });
  const targets = await sink.aliasTargets(alias);
  progress.emit({ type: 'phase', phase: 'snapshot' });
  const watermarks = await source.watermarks(topic);
  const timeOffsets = o.start.kind === 'time' ? await source.offsetsForTime(topic, o.start.time) : undefined;
  const ranges = planRanges(topic, watermarks, o.start, o.end, timeOffsets);
  const history = await assessHistory({ model, topic, start: o.start, watermarks, ranges }, deps);

  const index = o.assets.indexName;
  const live = targets.includes(index);
  let target: PreflightReport['target'] = { index, exists: false, status: 'absent', live };
  if (await sink.indexExists(index)) {
    const m = await readManifest(sink, index);
    if (!m) target = { index, exists: true, status: 'no-manifest', live };
    else if (m.model !== model.name) target = { index, exists: true, status: 'other-model', live, builtFor: m.model };
    else {
      const inputs = { model: model.name, buildHash: o.assets.buildHash, topic, ranges };
      target = { index, exists: true, status: m.status, live, sameInputs: sameBuildInputs(m, inputs) };
    }
  }
  const acknowledged = Boolean(o.allowTruncatedHistory);
  return {
    model: model.name,
    topic,
    history,
    alias: { name: alias, targets },
    target,
    acknowledged,
    wouldRun: history.gaps.length === 0 || acknowledged,
  };
}
