import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadmodelError, UsageError } from '../core/errors.js';
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
import { formatLagPrometheus, PROMETHEUS_CONTENT_TYPE } from '../core/lag/prometheus-format.js';
import type { LagReader } from '../core/ports/lag-reader.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { sleep, throwIfAborted } from '../core/retry.js';
import { checkEngine, observeReadModel, readFailure } from './inspect-read-model.js';

export type LagModel = Pick<ReadModelDefinition, 'name' | 'topic' | 'consumerGroup' | 'indexBase'>;

export interface LagMonitorOptions {
  models: readonly LagModel[];
  thresholds: LagThresholds;
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => number;
}

export interface LagOptions extends LagMonitorOptions {
  /** Samples taken in one run (>= 1); the verdicts need at least 2 to see movement. */
  samples: number;
  intervalMs: number;
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

const describeError = readFailure;

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
function combine(consumer: { status: LagStatus; reason: string }, readModel: ReadModelReport | null): { status: LagStatus; reason: string } {
  if (!readModel || readModel.status === 'OK') return consumer;
  const status = worstStatus([consumer.status, readModel.status]);
  const rm = `read model: ${readModel.reason}`;
  if (consumer.status === readModel.status) return { status, reason: `${rm}; consumer: ${consumer.reason}` };
  return { status, reason: status === readModel.status ? rm : consumer.reason };
}

export function createLagMonitor(o: LagMonitorOptions, deps: LagDeps): LagMonitor {
  const now = o.now ?? Date.now;
  const history = new Map<string, Map<number, PartitionSample[]>>();
  let sampleTimes: number[] = [];

  /** The read model's state, read while Kafka is read; judged once the topic's record count is known. */
  async function observe(model: LagModel, engine: Promise<ReadModelObservation | undefined>): Promise<ReadModelObservation> {
    const wrongEngine = await engine;
    return wrongEngine ?? observeReadModel(deps.sink!, aliasName(model), model.name);
  }

  async function sampleModel(model: LagModel, engine: Promise<ReadModelObservation | undefined> | undefined): Promise<ModelLagReport> {
    const key = `${model.name}\u0000${model.consumerGroup}\u0000${model.topic}`;
    const observation = engine ? observe(model, engine) : undefined;
    const judge = async (topicRecords: number | null): Promise<ReadModelReport | null> =>
      observation
        ? evaluateReadModel(await observation, { model: model.name, alias: aliasName(model), engine: deps.sink!.engine, topic: model.topic, topicRecords, now: now() })
        : null;
    const base = { model: model.name, topic: model.topic, group: model.consumerGroup };
    try {
      const offsets = await deps.reader.groupOffsets(model.consumerGroup, model.topic);
      const at = now();
      const pending = offsets.partitions
        .map((p) => ({ p, lag: lagOf(p.committed, p.logStart, p.logEnd) }))
        .filter((x) => x.lag > 0)
        .map(({ p }) => ({ partition: p.partition, offset: Math.max(p.committed ?? p.logStart, p.logStart), end: p.logEnd }));
      const timestamps = await deps.reader.recordTimestamps(model.topic, pending, o.signal);
      const groupHasCommits = offsets.partitions.some((p) => p.committed !== null);
      const windows = history.get(key) ?? new Map<number, PartitionSample[]>();
      history.set(key, windows);
      const partitions: PartitionLagReport[] = offsets.partitions.map((p) => {
        const previous = windows.get(p.partition) ?? [];
        const lag = lagOf(p.committed, p.logStart, p.logEnd);
        const ts = timestamps.get(p.partition);
        const sample: PartitionSample = {
          at,
          committed: p.committed,
          committedSeenAt: committedSeenAt(previous[previous.length - 1], p.committed, at),
          logStart: p.logStart,
          logEnd: p.logEnd,
          lag,
          timeLagMs: lag === 0 ? 0 : ts === undefined ? null : Math.max(0, at - ts),
          members: offsets.members,
        };
        const window = trimWindow([...previous, sample], o.thresholds.windowMs);
        windows.set(p.partition, window);
        const verdict = evaluatePartition(window, o.thresholds, { groupHasCommits });
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
      });
      // Partitions that disappeared (topic recreated) must not keep an old window.
      for (const p of [...windows.keys()]) if (!offsets.partitions.some((x) => x.partition === p)) windows.delete(p);
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
      throwIfAborted(o.signal);
      const error = describeError(err);
      const readModel = await judge(null);
      const consumer = { status: 'ERR' as const, reason: error.message };
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

  return {
    async sample() {
      throwIfAborted(o.signal);
      // One identity check per sample, shared by every model: they all talk to the same node.
      const engine = deps.sink ? checkEngine(deps.sink) : undefined;
      const models = await Promise.all(o.models.map((m) => sampleModel(m, engine)));
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

/** Nothing could be read for any model (Kafka or the engine out of reach): more samples only repeat the failure. */
function unreadable(report: LagReport): boolean {
  return report.models.every((m) => m.error || m.readModel?.problem === 'ENGINE_UNREACHABLE');
}

function checkOptions(o: { samples?: number; intervalMs: number; models: readonly LagModel[] }) {
  if (o.models.length === 0) throw new UsageError('no read model to measure', { code: 'NO_MODELS' });
  if (o.samples !== undefined && (!Number.isInteger(o.samples) || o.samples < 1)) {
    throw new UsageError(`--samples must be at least 1, got ${o.samples}`);
  }
  if (!(o.intervalMs >= 0)) throw new UsageError(`--interval must not be negative, got ${o.intervalMs}`);
}

/** Takes `samples` samples `intervalMs` apart and returns the verdict over them. */
export async function runLag(o: LagOptions, deps: LagDeps): Promise<LagReport> {
  checkOptions(o);
  const monitor = createLagMonitor(o, deps);
  let report = await monitor.sample();
  for (let i = 1; i < o.samples && !unreadable(report); i++) {
    await sleep(o.intervalMs, o.signal);
    report = await monitor.sample();
  }
  return report;
}

/**
 * Samples every `intervalMs` until the signal aborts, handing each report to `onReport`; returns the
 * last report (undefined when aborted before the first).
 */
export async function watchLag(
  o: Omit<LagOptions, 'samples'> & { signal: AbortSignal },
  deps: LagDeps,
  onReport: (report: LagReport) => void | Promise<void>,
): Promise<LagReport | undefined> {
  checkOptions(o);
  const monitor = createLagMonitor(o, deps);
  let last: LagReport | undefined;
  try {
    for (;;) {
      last = await monitor.sample();
      await onReport(last);
      await sleep(o.intervalMs, o.signal);
    }
  } catch (err) {
    if (o.signal.aborted) return last;
    throw err;
  }
}

export interface ServeLagOptions extends Omit<LagOptions, 'samples'> {
  signal: AbortSignal;
  port: number;
  host: string;
  /** Called once the server listens, with the metrics URL. */
  onListening?: (url: string) => void;
  /** Called with every failed background sample (the server keeps serving the last good one). */
  onSampleError?: (err: unknown) => void;
}

/**
 * Prometheus exporter: samples every `intervalMs` in the background (the window builds up over
 * time), serves the newest sample at GET /metrics, and stops when the signal aborts.
 */
export async function serveLag(o: ServeLagOptions, deps: LagDeps): Promise<void> {
  checkOptions(o);
  throwIfAborted(o.signal);
  const monitor = createLagMonitor(o, deps);
  // Assigned once the port is ours: sampling before that would leave Kafka connections opening
  // after a failed listen, and the process would hang instead of exiting with the error.
  let latest!: Promise<LagReport>;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      latest.then(
        (report) => {
          const body = formatLagPrometheus(report);
          res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err) => {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`sampling failed: ${describeError(err).message}\n`);
        },
      );
      return;
    }
    if (path === '/' || path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(path === '/' ? 'readmodel lag exporter: GET /metrics\n' : 'ok\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.message}`, {
          code: 'LISTEN_FAILED',
          context: { host: o.host, port: o.port, errno: err.code },
          suggestion: 'pick another --port (0 picks a free one) or --host',
          cause: err,
        }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  latest = monitor.sample();
  latest.catch(() => undefined);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  o.onListening?.(`http://${host}:${address.port}/metrics`);

  try {
    await latest.catch((err) => o.onSampleError?.(err));
    for (;;) {
      await sleep(o.intervalMs, o.signal);
      const next = monitor.sample();
      next.catch(() => undefined);
      try {
        await next;
        latest = next;
      } catch (err) {
        if (o.signal.aborted) break;
        o.onSampleError?.(err);
      }
    }
  } catch (err) {
    if (!o.signal.aborted) throw err;
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

const SUGGESTIONS: Record<LagReport['status'], string> = {
  OK: '',
  WARN: 'the consumer moves but falls behind: check its throughput and the search engine write latency (or raise --max-lag / --max-time-lag)',
  STALL: 'the group has members but its offset does not move: check the consumer logs (a record it cannot process? a blocked search engine?)',
  STOP: 'nobody consumes with lag waiting: start or restart the live consumer (readmodel consume <model>)',
  REWIND: 'the committed offset went backwards: someone reset the group, or a consumer restarted from an older position',
  NO_COMMITS: 'the group has never committed: start the live consumer (readmodel consume <model>) or check --group',
  ERR: 'the lag could not be read: check the Kafka brokers and the topic (readmodel config show)',
};

function suggestionFor(m: ModelLagReport | undefined, status: LagStatus): string {
  // A read model problem has its own, more precise remedy.
  if (m?.readModel?.suggestion && m.readModel.status === status) return m.readModel.suggestion;
  return SUGGESTIONS[status].replace('<model>', m?.model ?? '<model>');
}

/**
 * A lag verdict worse than OK, carried to the CLI's error handler so the process exits with the
 * report's code (1 for a finding, 5 / 6 when Kafka / the search engine could not be reached at all).
 * Its JSON form is the report itself, so `--json` prints one document either way.
 */
export class LagAlertError extends ReadmodelError {
  readonly report: LagReport;

  constructor(report: LagReport) {
    const bad = report.models.filter((m) => m.status === report.status);
    const what = bad.map((m) => `${m.model}: ${m.reason}`).join('; ');
    super(`lag status ${report.status}: ${what}`, {
      code: `LAG_${report.status}`,
      exitCode: report.exitCode,
      context: { models: bad.map((m) => `${m.model} (group ${m.group})`).join(', ') },
      suggestion: suggestionFor(bad[0], report.status),
    });
    this.report = report;
  }

  override toJSON(): Record<string, unknown> {
    return { ...this.report };
  }
}
