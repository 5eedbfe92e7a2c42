import { LAG_STATUSES } from './lag-window.js';
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

/** Read model states (a subset of the lag statuses): one series each for readmodel_read_model_status. */
const READ_MODEL_STATES = ['OK', 'WARN', 'ERR'] as const;

/** One series per state, 1 for the current one and 0 for the others: alert rules match on the label, not a code. */
function stateSamples(labels: MetricSample['labels'], current: string, states: readonly string[] = LAG_STATUSES): MetricSample[] {
  return states.map((state) => ({ labels: { ...labels, status: state }, value: state === current ? 1 : 0 }));
}

export interface LagMetricsOptions {
  /** The `cluster` label on every series (kafka-lag-exporter calls it cluster_name). */
  cluster: string;
}

/**
 * The metrics of one lag report. Names follow kafka-lag-exporter's (kafka_consumergroup_group_lag ...)
 * under our own `readmodel_` prefix, so both exporters can be scraped side by side without clashing.
 * Series whose value is unknown are left out rather than faked.
 */
export function lagMetrics(report: LagReport, o: LagMetricsOptions): MetricFamily[] {
  const fam = (name: string, help: string): MetricFamily => ({ name, help, type: 'gauge', samples: [] });
  const lag = fam(
    'readmodel_consumergroup_group_lag',
    'Records not yet consumed by the group: log end offset minus committed offset (minus log start offset when the group never committed). Like kafka_consumergroup_group_lag.',
  );
  const lagSeconds = fam(
    'readmodel_consumergroup_group_lag_seconds',
    'Age of the oldest unconsumed record, measured from its message timestamp (kafka-lag-exporter estimates this by interpolation); 0 when the partition has no lag.',
  );
  const offset = fam(
    'readmodel_consumergroup_group_offset',
    'Committed offset of the group (absent when the group never committed for the partition). Like kafka_consumergroup_group_offset.',
  );
  const latest = fam('readmodel_partition_latest_offset', 'Log end offset of the partition. Like kafka_partition_latest_offset.');
  const earliest = fam('readmodel_partition_earliest_offset', 'Log start offset of the partition. Like kafka_partition_earliest_offset.');
  const topicSum = fam(
    'readmodel_consumergroup_group_topic_sum_lag',
    'Records not yet consumed by the group, summed over the partitions of the topic. Like kafka_consumergroup_group_topic_sum_lag.',
  );
  const maxLag = fam(
    'readmodel_consumergroup_group_max_lag',
    'Highest partition lag of the group. Like kafka_consumergroup_group_max_lag.',
  );
  const maxLagSeconds = fam(
    'readmodel_consumergroup_group_max_lag_seconds',
    'Highest partition time lag of the group (absent when one partition could not be read). Like kafka_consumergroup_group_max_lag_seconds.',
  );
  const members = fam('readmodel_consumergroup_members', 'Members in the consumer group (0: nobody consumes).');
  const partitionStatus = fam(
    'readmodel_consumergroup_partition_status',
    `Status of the partition over the sliding window: 1 for the current state, 0 for the others (states: ${LAG_STATUSES.join(', ')}).`,
  );
  const groupStatus = fam(
    'readmodel_consumergroup_status',
    'Worst partition status of the group, ERR when Kafka could not be read: 1 for the current state, 0 for the others.',
  );
  const readModelStatus = fam(
    'readmodel_read_model_status',
    'State of the read model behind the alias: OK, WARN (empty index over a non-empty topic) or ERR (engine unreachable or not the configured one, alias missing or ambiguous, index missing, manifest missing or unreadable, build incomplete or of another model); 1 for the current state, 0 for the others.',
  );
  const modelStatus = fam(
    'readmodel_lag_status',
    "Overall status of the model, the worse of the consumer group's and the read model's: 1 for the current state, 0 for the others.",
  );
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

  const cluster = o.cluster;
  const topicPartitions = new Set<string>();
  for (const m of report.models) {
    const g = { cluster, model: m.model, group: m.group, topic: m.topic };
    for (const p of m.partitions) {
      const l = { ...g, partition: p.partition };
      lag.samples.push({ labels: l, value: p.lag });
      if (p.timeLagMs !== null) lagSeconds.samples.push({ labels: l, value: p.timeLagMs / 1000 });
      if (p.committedOffset !== null) offset.samples.push({ labels: l, value: p.committedOffset });
      partitionStatus.samples.push(...stateSamples(l, p.status));
      // Two models may read one topic: its offsets are one series, not two.
      const tp = `${m.topic}\u0000${p.partition}`;
      if (!topicPartitions.has(tp)) {
        topicPartitions.add(tp);
        const t = { cluster, topic: m.topic, partition: p.partition };
        latest.samples.push({ labels: t, value: p.logEndOffset });
        earliest.samples.push({ labels: t, value: p.logStartOffset });
      }
    }
    groupStatus.samples.push(...stateSamples(g, m.consumerStatus));
    modelStatus.samples.push(...stateSamples({ cluster, model: m.model }, m.status));
    if (m.readModel) {
      readModelStatus.samples.push(
        ...stateSamples({ cluster, model: m.model, alias: m.readModel.alias }, m.readModel.status, READ_MODEL_STATES),
      );
    }
    if (!m.error) {
      topicSum.samples.push({ labels: g, value: m.lag });
      maxLag.samples.push({ labels: g, value: Math.max(0, ...m.partitions.map((p) => p.lag)) });
      if (m.maxTimeLagMs !== null) maxLagSeconds.samples.push({ labels: g, value: m.maxTimeLagMs / 1000 });
    }
    if (m.members !== null) members.samples.push({ labels: { cluster, model: m.model, group: m.group }, value: m.members });
    if (m.readModel && m.readModel.ageMs !== null) {
      freshness.samples.push({ labels: { cluster, model: m.model, alias: m.readModel.alias }, value: m.readModel.ageMs / 1000 });
    }
    up.samples.push({ labels: { cluster, model: m.model }, value: m.error || m.readModel?.error ? 0 : 1 });
  }
  window.samples.push({ labels: { cluster }, value: report.samples });
  sampledAt.samples.push({ labels: { cluster }, value: Date.parse(report.at) / 1000 });
  return [
    lag,
    lagSeconds,
    offset,
    latest,
    earliest,
    topicSum,
    maxLag,
    maxLagSeconds,
    members,
    partitionStatus,
    groupStatus,
    readModelStatus,
    modelStatus,
    freshness,
    up,
    window,
    sampledAt,
  ];
}

export function formatLagPrometheus(report: LagReport, o: LagMetricsOptions): string {
  return renderExposition(lagMetrics(report, o));
}
