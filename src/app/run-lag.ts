import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode, isReadmodelError, ReadmodelError, UsageError } from '../core/errors.js';
import type { LagReport, ModelLagReport, FreshnessReport, PartitionLagReport } from '../core/lag/lag-report.js';
import {
  committedSeenAt,
  evaluatePartition,
  exitCodeFor,
  lagOf,
  trimWindow,
  worstStatus,
  type LagThresholds,
  type PartitionSample,
} from '../core/lag/lag-window.js';
import { formatLagPrometheus, PROMETHEUS_CONTENT_TYPE } from '../core/lag/prometheus-format.js';
import type { LagReader } from '../core/ports/lag-reader.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { EVENT_TIME_FIELD } from '../core/projections/projection.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { sleep, throwIfAborted } from '../core/retry.js';

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
  /** Without a search engine, freshness is not measured. */
  sink?: SearchSink;
}

/** Keeps each partition's sliding window between samples: one-shot runs, --watch and the exporter share it. */
export interface LagMonitor {
  sample(): Promise<LagReport>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function describeError(err: unknown): { code: string; message: string } {
  if (isReadmodelError(err)) return { code: err.code, message: err.message };
  return { code: 'LAG_READ_FAILED', message: err instanceof Error ? err.message : String(err) };
}

async function readFreshness(sink: SearchSink, model: LagModel, now: () => number): Promise<FreshnessReport> {
  const alias = aliasName(model);
  try {
    const indices = await sink.aliasTargets(alias);
    if (indices.length === 0) return { alias, indices, newestEventAt: null, ageMs: null, note: 'the alias does not exist yet' };
    const r = await sink.search(alias, {
      size: 1,
      track_total_hits: false,
      _source: [EVENT_TIME_FIELD],
      sort: [{ [EVENT_TIME_FIELD]: { order: 'desc', unmapped_type: 'date' } }],
    });
    const newest = r.hits[0]?.doc[EVENT_TIME_FIELD];
    const t = typeof newest === 'string' ? Date.parse(newest) : NaN;
    if (Number.isNaN(t)) return { alias, indices, newestEventAt: null, ageMs: null, note: 'no document with an event time behind the alias' };
    return { alias, indices, newestEventAt: new Date(t).toISOString(), ageMs: Math.max(0, now() - t) };
  } catch (err) {
    return { alias, indices: [], newestEventAt: null, ageMs: null, error: describeError(err).message };
  }
}

function summarize(partitions: readonly PartitionLagReport[]): { status: PartitionLagReport['status']; reason: string } {
  const status = worstStatus(partitions.map((p) => p.status));
  const worst = partitions.filter((p) => p.status === status);
  if (worst.length === 0) return { status, reason: 'no partitions' };
  if (status === 'OK' && partitions.every((p) => p.lag === 0)) return { status, reason: `all ${partitions.length} partitions caught up` };
  const first = worst[0]!;
  const more = worst.length > 1 ? ` (and ${worst.length - 1} more partition${worst.length > 2 ? 's' : ''} ${status})` : '';
  return { status, reason: `partition ${first.partition}: ${first.reason}${more}` };
}

export function createLagMonitor(o: LagMonitorOptions, deps: LagDeps): LagMonitor {
  const now = o.now ?? Date.now;
  const history = new Map<string, Map<number, PartitionSample[]>>();
  let sampleTimes: number[] = [];

  async function sampleModel(model: LagModel): Promise<ModelLagReport> {
    const key = `${model.name}\u0000${model.consumerGroup}\u0000${model.topic}`;
    const freshnessP = deps.sink ? readFreshness(deps.sink, model, now) : Promise.resolve(null);
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
      const freshness = await freshnessP;
      let { status, reason } = summarize(partitions);
      if (freshness?.error) {
        status = 'ERR';
        reason = `reading freshness from ${freshness.alias} failed: ${freshness.error}`;
      }
      const timeLags = partitions.map((p) => p.timeLagMs);
      return {
        ...base,
        groupState: offsets.state,
        members: offsets.members,
        status,
        reason,
        lag: partitions.reduce((n, p) => n + p.lag, 0),
        maxTimeLagMs: timeLags.includes(null) ? null : Math.max(0, ...(timeLags as number[])),
        partitions,
        freshness,
      };
    } catch (err) {
      throwIfAborted(o.signal);
      const error = describeError(err);
      return {
        ...base,
        groupState: null,
        members: null,
        status: 'ERR',
        reason: error.message,
        lag: 0,
        maxTimeLagMs: null,
        partitions: [],
        freshness: await freshnessP,
        error,
      };
    }
  }

  return {
    async sample() {
      throwIfAborted(o.signal);
      const models = await Promise.all(o.models.map((m) => sampleModel(m)));
      const at = now();
      sampleTimes = trimWindow([...sampleTimes.map((t) => ({ at: t })), { at }], o.thresholds.windowMs).map((s) => s.at);
      const status = worstStatus(models.map((m) => m.status));
      return {
        at: iso(at),
        samples: sampleTimes.length,
        windowSpanMs: at - sampleTimes[0]!,
        thresholds: { ...o.thresholds },
        status,
        exitCode: exitCodeFor(status),
        models,
      };
    },
  };
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
  // When nothing could be read, more samples only repeat the failure.
  for (let i = 1; i < o.samples && !report.models.every((m) => m.error); i++) {
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
  ERR: 'the lag could not be read: check the Kafka brokers, topic and search engine settings',
};

/**
 * A lag verdict worse than OK, carried to the CLI's error handler so the process exits 1 (WARN) or 2
 * (everything worse). Its JSON form is the report itself, so `--json` prints one document either way.
 */
export class LagAlertError extends ReadmodelError {
  readonly report: LagReport;

  constructor(report: LagReport) {
    const bad = report.models.filter((m) => m.status === report.status);
    const what = bad.map((m) => `${m.model}: ${m.reason}`).join('; ');
    super(`consumer lag status ${report.status}: ${what}`, {
      code: `LAG_${report.status}`,
      exitCode: report.exitCode === 1 ? ExitCode.failure : ExitCode.usage,
      context: { models: bad.map((m) => `${m.model} (group ${m.group})`).join(', ') },
      suggestion: SUGGESTIONS[report.status].replace('<model>', bad[0]?.model ?? '<model>'),
    });
    this.report = report;
  }

  override toJSON(): Record<string, unknown> {
    return { ...this.report };
  }
}
