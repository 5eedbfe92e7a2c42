import type { LagReport, ModelLagReport } from './lag-report.js';
import { formatDuration } from './lag-window.js';

/**
 * `readmodel lag` as text, in two parts so the table stays machine-readable:
 * - the table (stdout): a header and one row per partition, columns like `kafka-consumer-groups
 *   --describe`, separated by blanks, `-` for what is unknown; `awk 'NR>1'` reads the rows.
 * - the verdicts (stderr): each model's status and reason, its read model, and the overall line.
 */
export const LAG_COLUMNS = [
  'GROUP',
  'TOPIC',
  'PARTITION',
  'CURRENT-OFFSET',
  'LOG-END-OFFSET',
  'LAG',
  'TIME-LAG',
  'STATUS',
  'MODEL',
] as const;

/** A cell never holds blanks (they would shift awk's fields) and is never empty. */
function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/\s+/g, '_');
}

function align(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  // The last column is not padded, so lines carry no trailing blanks.
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

function modelRows(m: ModelLagReport): string[][] {
  // A model whose partitions could not be read still gets a row, so it never vanishes from the table.
  if (m.partitions.length === 0) return [[m.group, m.topic, '-', '-', '-', '-', '-', m.consumerStatus, m.model].map(cell)];
  return m.partitions.map((p) =>
    [
      m.group,
      m.topic,
      p.partition,
      p.committedOffset,
      p.logEndOffset,
      p.lag,
      p.timeLagMs === null ? null : formatDuration(p.timeLagMs),
      p.status,
      m.model,
    ].map(cell),
  );
}

/** The table: header, then one row per partition of every model (stdout). */
export function formatLagTable(report: LagReport): string {
  const rows = [[...LAG_COLUMNS], ...report.models.flatMap(modelRows)];
  return `${align(rows).join('\n')}\n`;
}

function readModelLines(m: ModelLagReport): string[] {
  const r = m.readModel;
  if (!r) return ['read model: not checked (no search engine configured)'];
  if (r.status === 'OK' && r.ageMs !== null) {
    return [
      `read model: OK ${r.index} via ${r.alias}, ${r.documents} documents; freshness ${formatDuration(r.ageMs)} (newest event ${r.newestEventAt})`,
    ];
  }
  const lines = [`read model: ${r.status}${r.problem ? ` [${r.problem}]` : ''} ${r.reason}`];
  if (r.suggestion) lines.push(`  what to do: ${r.suggestion}`);
  return lines;
}

/** One model's verdict: status and reason, the group, partitions that are not OK, the read model. */
export function formatModelVerdict(m: ModelLagReport): string[] {
  const group = m.groupState === null ? m.group : `${m.group} (${m.groupState}, ${m.members ?? 0} member${m.members === 1 ? '' : 's'})`;
  const lines = [`${m.model}: ${m.status} ${m.reason}`];
  if (m.error) {
    lines.push(`  consumer: ERR group ${m.group} on topic ${m.topic}: error[${m.error.code}] ${m.error.message}`);
  } else {
    lines.push(
      `  consumer: ${m.consumerStatus} group ${group} on topic ${m.topic}, lag ${m.lag} records, oldest unconsumed ${m.maxTimeLagMs === null ? 'unknown' : formatDuration(m.maxTimeLagMs)}`,
    );
    for (const p of m.partitions) if (p.status !== 'OK') lines.push(`    partition ${p.partition}: ${p.status} ${p.reason}`);
  }
  lines.push(...readModelLines(m).map((l) => `  ${l}`));
  return lines;
}

/** The verdicts and the overall line (stderr). */
export function formatLagSummary(report: LagReport): string {
  const lines: string[] = [];
  for (const m of report.models) lines.push(...formatModelVerdict(m));
  const t = report.thresholds;
  const limits = [
    `window ${formatDuration(t.windowMs)}`,
    t.maxLag !== undefined ? `max lag ${t.maxLag}` : undefined,
    t.maxTimeLagMs !== undefined ? `max time lag ${formatDuration(t.maxTimeLagMs)}` : undefined,
  ].filter(Boolean);
  lines.push(
    `overall: ${report.status} (exit ${report.exitCode}) at ${report.at}; ${report.samples} sample${report.samples === 1 ? '' : 's'} over ${formatDuration(report.windowSpanMs)}; ${limits.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
