import { lagExitCode } from '../core/lag/lag-exit-code.js';
import type { LagReport, ModelLagReport, PartitionLagReport } from '../core/lag/lag-report.js';
import {
  committedSeenAt,
  evaluatePartition,
  lagOf,
  trimWindow,
  worstStatus,
  type LagStatus,
  type LagThresholds,
  type PartitionSample,
} from '../core/lag/lag-window.js';
import { evaluateReadModel, type ReadModelObservation, type ReadModelReport } from '../core/lag/read-model-health.js';
import type { GroupOffsets, GroupPartitionOffsets, LagReader } from '../core/ports/lag-reader.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { throwIfAborted } from '../core/retry.js';
import { checkEngine, observeReadModel, readFailure } from './inspect-read-model.js';

export type LagModel = Pick<ReadModelDefinition, 'name' | 'topic' | 'consumerGroup' | 'indexBase'>;

export interface LagMonitorOptions {
  models: readonly LagModel[];
  thresholds: LagThresholds;
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => number;
}

export interface LagDeps {
  reader: LagReader;
  /** Without a search engine, the read model (alias, index, manifest, freshness) is not checked. */
  sink?: SearchSink;
}

/** Keeps each partition's sliding window between samples: one-shot runs, --watch and the exporter share it. */
export interface LagMonitor {
  sample(): Promise<LagReport>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function summarize(partitions: readonly PartitionLagReport[]): { status: LagStatus; reason: string } {
  const status = worstStatus(partitions.map((p) => p.status));
  const worst = partitions.filter((p) => p.status === status);
  if (worst.length === 0) return { status, reason: 'no partitions' };
  if (status === 'OK' && partitions.every((p) => p.lag === 0)) return { status, reason: `all ${partitions.length} partitions caught up` };
  const first = worst[0]!;
  const more = worst.length > 1 ? ` (and ${worst.length - 1} more partition${worst.length > 2 ? 's' : ''} ${status})` : '';
  return { status, reason: `partition ${first.partition}: ${first.reason}${more}` };
}

/** The model's verdict: the worse of the consumer's and the read model's, with the reason of the worse (both when equal). */
function combine(
  consumer: { status: LagStatus; reason: string },
  readModel: ReadModelReport | null,
): { status: LagStatus; reason: string } {
  if (!readModel || readModel.status === 'OK') return consumer;
  const status = worstStatus([consumer.status, readModel.status]);
  const rm = `read model: ${readModel.reason}`;
  if (consumer.status === readModel.status) return { status, reason: `${rm}; consumer: ${consumer.reason}` };
  return { status, reason: status === readModel.status ? rm : consumer.reason };
}

type Windows = Map<number, PartitionSample[]>;
type Verdict = { status: LagStatus; reason: string };
type Judge = (topicRecords: number | null) => Promise<ReadModelReport | null>;

export function createLagMonitor(o: LagMonitorOptions, deps: LagDeps): LagMonitor {
  const now = o.now ?? Date.now;
  const run: MonitorRun = { o, deps, now, history: new Map() };
  let sampleTimes: number[] = [];
  return {
    async sample() {
      throwIfAborted(o.signal);
      // One identity check per sample, shared by every model: they all talk to the same node.
      const engine = deps.sink ? checkEngine(deps.sink) : undefined;
      const models = await Promise.all(o.models.map((m) => sampleModel(run, m, engine)));
      const at = now();
      sampleTimes = trimWindow([...sampleTimes.map((t) => ({ at: t })), { at }], o.thresholds.windowMs).map((s) => s.at);
      const status = worstStatus(models.map((m) => m.status));
      return {
        at: iso(at),
        samples: sampleTimes.length,
        windowSpanMs: at - sampleTimes[0]!,
        thresholds: { ...o.thresholds },
        status,
        exitCode: lagExitCode(models),
        models,
      };
    },
  };
}

interface MonitorRun {
  o: LagMonitorOptions;
  deps: LagDeps;
  now: () => number;
  history: Map<string, Windows>;
}

/** Judges the read model's state (read while Kafka is read) once the topic's record count is known. */
function readModelJudge(run: MonitorRun, model: LagModel, engine: Promise<ReadModelObservation | undefined> | undefined): Judge {
  const { deps } = run;
  const observation = engine
    ? engine.then((wrongEngine) => wrongEngine ?? observeReadModel(deps.sink!, aliasName(model), model.name))
    : undefined;
  return async (topicRecords) =>
    observation
      ? evaluateReadModel(await observation, {
          model: model.name,
          alias: aliasName(model),
          engine: deps.sink!.engine,
          topic: model.topic,
          topicRecords,
          now: run.now(),
        })
      : null;
}

async function sampleModel(
  run: MonitorRun,
  model: LagModel,
  engine: Promise<ReadModelObservation | undefined> | undefined,
): Promise<ModelLagReport> {
  const judge = readModelJudge(run, model, engine);
  const base = { model: model.name, topic: model.topic, group: model.consumerGroup };
  try {
    const offsets = await run.deps.reader.groupOffsets(model.consumerGroup, model.topic);
    const at = run.now();
    const pending = offsets.partitions
      .map((p) => ({ p, lag: lagOf(p.committed, p.logStart, p.logEnd) }))
      .filter((x) => x.lag > 0)
      .map(({ p }) => ({ partition: p.partition, offset: Math.max(p.committed ?? p.logStart, p.logStart), end: p.logEnd }));
    const timestamps = await run.deps.reader.recordTimestamps(model.topic, pending, run.o.signal);
    const key = `${model.name}\u0000${model.consumerGroup}\u0000${model.topic}`;
    const windows = run.history.get(key) ?? new Map<number, PartitionSample[]>();
    run.history.set(key, windows);
    const partitions = samplePartitions(run.o.thresholds, offsets, windows, timestamps, at);
    const readModel = await judge(offsets.partitions.reduce((n, p) => n + Math.max(0, p.logEnd - p.logStart), 0));
    const consumer = summarize(partitions);
    const timeLags = partitions.map((p) => p.timeLagMs);
    return {
      ...base,
      groupState: offsets.state,
      members: offsets.members,
      ...combine(consumer, readModel),
      consumerStatus: consumer.status,
      consumerReason: consumer.reason,
      lag: partitions.reduce((n, p) => n + p.lag, 0),
      maxTimeLagMs: timeLags.includes(null) ? null : Math.max(0, ...(timeLags as number[])),
      partitions,
      readModel,
    };
  } catch (err) {
    throwIfAborted(run.o.signal);
    const error = readFailure(err);
    const readModel = await judge(null);
    const consumer: Verdict = { status: 'ERR', reason: error.message };
    return {
      ...base,
      groupState: null,
      members: null,
      ...combine(consumer, readModel),
      consumerStatus: consumer.status,
      consumerReason: consumer.reason,
      lag: 0,
      maxTimeLagMs: null,
      partitions: [],
      readModel,
      error,
    };
  }
}

/** Adds this sample to each partition's window and judges it; forgets partitions that disappeared. */
function samplePartitions(
  thresholds: LagThresholds,
  offsets: GroupOffsets,
  windows: Windows,
  timestamps: Map<number, number>,
  at: number,
): PartitionLagReport[] {
  const groupHasCommits = offsets.partitions.some((p) => p.committed !== null);
  const partitions = offsets.partitions.map((p) =>
    samplePartition(thresholds, p, windows, timestamps.get(p.partition), at, offsets.members, groupHasCommits),
  );
  // Partitions that disappeared (topic recreated) must not keep an old window.
  for (const p of [...windows.keys()]) if (!offsets.partitions.some((x) => x.partition === p)) windows.delete(p);
  return partitions;
}

function samplePartition(
  thresholds: LagThresholds,
  p: GroupPartitionOffsets,
  windows: Windows,
  ts: number | undefined,
  at: number,
  members: number,
  groupHasCommits: boolean,
): PartitionLagReport {
  const previous = windows.get(p.partition) ?? [];
  const lag = lagOf(p.committed, p.logStart, p.logEnd);
  const sample: PartitionSample = {
    at,
    committed: p.committed,
    committedSeenAt: committedSeenAt(previous[previous.length - 1], p.committed, at),
    logStart: p.logStart,
    logEnd: p.logEnd,
    lag,
    timeLagMs: lag === 0 ? 0 : ts === undefined ? null : Math.max(0, at - ts),
    members,
  };
  const window = trimWindow([...previous, sample], thresholds.windowMs);
  windows.set(p.partition, window);
  const verdict = evaluatePartition(window, thresholds, { groupHasCommits });
  return {
    partition: p.partition,
    committedOffset: p.committed,
    logStartOffset: p.logStart,
    logEndOffset: p.logEnd,
    lag,
    timeLagMs: sample.timeLagMs,
    oldestUnconsumedAt: lag > 0 && ts !== undefined ? iso(ts) : null,
    committedSeenAt: sample.committedSeenAt === null ? null : iso(sample.committedSeenAt),
    status: verdict.status,
    reason: verdict.reason,
  };
}
