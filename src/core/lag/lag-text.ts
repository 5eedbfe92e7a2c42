import type { LagReport, ModelLagReport } from './lag-report.js';
import { formatDuration } from './lag-window.js';

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  // The last column (the reason) is not padded, so lines carry no trailing blanks.
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

function freshnessText(m: ModelLagReport): string {
  const f = m.freshness;
  if (!f) return 'freshness: not measured (no search engine configured)';
  if (f.error) return `freshness: ERR ${f.error}`;
  if (f.ageMs === null) return `freshness: unknown (${f.note ?? 'no data'})`;
  return `freshness: ${formatDuration(f.ageMs)} (newest event ${f.newestEventAt} in ${f.indices.join(', ')} via ${f.alias})`;
}

export function formatModelLag(m: ModelLagReport): string[] {
  const group = m.groupState === null ? m.group : `${m.group} (${m.groupState}, ${m.members ?? 0} member${m.members === 1 ? '' : 's'})`;
  const lines = [`${m.model}  topic ${m.topic}  group ${group}`];
  if (m.error) {
    lines.push(`  status ${m.status}: error[${m.error.code}] ${m.error.message}`);
  } else {
    lines.push(`  status ${m.status}: ${m.reason}`);
    lines.push(`  lag ${m.lag} records, oldest unconsumed ${m.maxTimeLagMs === null ? 'unknown' : formatDuration(m.maxTimeLagMs)}`);
  }
  lines.push(`  ${freshnessText(m)}`);
  if (m.partitions.length > 0) {
    const rows = [['PARTITION', 'COMMITTED', 'LOG END', 'LAG', 'TIME LAG', 'STATUS', 'REASON']];
    for (const p of m.partitions) {
      rows.push([
        String(p.partition),
        p.committedOffset === null ? '-' : String(p.committedOffset),
        String(p.logEndOffset),
        String(p.lag),
        p.timeLagMs === null ? '?' : formatDuration(p.timeLagMs),
        p.status,
        p.reason,
      ]);
    }
    lines.push(...table(rows));
  }
  return lines;
}

/** The human view of a report: one block per model, then the overall verdict. */
export function formatLagText(report: LagReport): string {
  const lines: string[] = [];
  for (const m of report.models) lines.push(...formatModelLag(m), '');
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
