import { LAG_STATUSES, statusValue } from './lag-window.js';
import type { LagReport } from './lag-report.js';

/**
 * Prometheus text exposition format (version 0.0.4): one HELP and one TYPE line per family, then its
 * samples; label values escaped (backslash, double quote, newline); HELP text escaped (backslash, newline).
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricSample {
  labels: Record<string, string | number>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'untyped';
  samples: MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name "${f.name}"`);
    if (seen.has(f.name)) throw new Error(`metric family "${f.name}" rendered twice`);
    seen.add(f.name);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => {
        if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new Error(`invalid label name "${k}"`);
        return `${k}="${escapeLabelValue(String(v))}"`;
      });
      out.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export const STATUS_MAPPING = LAG_STATUSES.map((s, i) => `${i}=${s}`).join(' ');

/** The metrics of one lag report. Series whose value is unknown are left out rather than faked. */
export function lagMetrics(report: LagReport): MetricFamily[] {
  const fam = (name: string, help: string): MetricFamily => ({ name, help, type: 'gauge', samples: [] });
  const lag = fam(
    'readmodel_consumer_lag_offsets',
    'Records not yet consumed by the group: log end offset minus committed offset (minus log start offset when the group never committed).',
  );
  const lagSeconds = fam(
    'readmodel_consumer_lag_seconds',
    'Age of the oldest unconsumed record (its message timestamp); 0 when the partition has no lag.',
  );
  const committed = fam(
    'readmodel_consumer_committed_offset',
    'Committed offset of the group (absent when the group never committed for the partition).',
  );
  const logEnd = fam('readmodel_consumer_log_end_offset', 'Log end offset of the partition.');
  const status = fam('readmodel_consumer_status', `Evaluated status of the partition over the sliding window: ${STATUS_MAPPING}.`);
  const groupStatus = fam(
    'readmodel_consumer_group_status',
    `Worst partition status of the group, ERR when Kafka could not be read (${STATUS_MAPPING}).`,
  );
  const readModelStatus = fam(
    'readmodel_read_model_status',
    `State of the read model behind the alias: OK, WARN (empty index over a non-empty topic) or ERR (engine unreachable or not the configured one, alias missing or ambiguous, index missing, manifest missing or unreadable, build incomplete or of another model) (${STATUS_MAPPING}).`,
  );
  const modelStatus = fam(
    'readmodel_model_status',
    `Overall status of the model: the worse of the consumer group's and the read model's (${STATUS_MAPPING}).`,
  );
  const groupLag = fam('readmodel_consumer_group_lag_offsets', 'Records not yet consumed by the group, summed over the partitions.');
  const members = fam('readmodel_consumer_group_members', 'Members in the consumer group (0: nobody consumes).');
  const freshness = fam(
    'readmodel_read_model_freshness_seconds',
    'Age of the newest event reflected in the index behind the read model alias (max lastEventAt).',
  );
  const up = fam(
    'readmodel_lag_sample_success',
    '1 when Kafka (and the search engine, if configured) could be read for the model at the last sample, else 0.',
  );
  const window = fam('readmodel_lag_window_samples', 'Samples in the sliding window the statuses were evaluated over.');
  const sampledAt = fam('readmodel_lag_last_sample_timestamp_seconds', 'Unix time of the last sample.');

  for (const m of report.models) {
    const g = { model: m.model, group: m.group, topic: m.topic };
    for (const p of m.partitions) {
      const l = { ...g, partition: p.partition };
      lag.samples.push({ labels: l, value: p.lag });
      if (p.timeLagMs !== null) lagSeconds.samples.push({ labels: l, value: p.timeLagMs / 1000 });
      if (p.committedOffset !== null) committed.samples.push({ labels: l, value: p.committedOffset });
      logEnd.samples.push({ labels: l, value: p.logEndOffset });
      status.samples.push({ labels: l, value: statusValue(p.status) });
    }
    groupStatus.samples.push({ labels: g, value: statusValue(m.consumerStatus) });
    modelStatus.samples.push({ labels: g, value: statusValue(m.status) });
    if (m.readModel)
      readModelStatus.samples.push({ labels: { model: m.model, alias: m.readModel.alias }, value: statusValue(m.readModel.status) });
    if (!m.error) groupLag.samples.push({ labels: g, value: m.lag });
    if (m.members !== null) members.samples.push({ labels: { model: m.model, group: m.group }, value: m.members });
    if (m.readModel && m.readModel.ageMs !== null) {
      freshness.samples.push({ labels: { model: m.model, alias: m.readModel.alias }, value: m.readModel.ageMs / 1000 });
    }
    up.samples.push({ labels: { model: m.model }, value: m.error || m.readModel?.error ? 0 : 1 });
  }
  window.samples.push({ labels: {}, value: report.samples });
  sampledAt.samples.push({ labels: {}, value: Date.parse(report.at) / 1000 });
  return [
    lag,
    lagSeconds,
    committed,
    logEnd,
    status,
    groupStatus,
    readModelStatus,
    modelStatus,
    groupLag,
    members,
    freshness,
    up,
    window,
    sampledAt,
  ];
}

export function formatLagPrometheus(report: LagReport): string {
  return renderExposition(lagMetrics(report));
}
