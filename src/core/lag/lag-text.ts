import type { LagReport, ModelLagReport } from './lag-report.js';
import { formatDuration } from './lag-window.js';

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  // The last column (the reason) is not padded, so lines carry no trailing blanks.
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
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

export function formatModelLag(m: ModelLagReport): string[] {
  const group = m.groupState === null ? m.group : `${m.group} (${m.groupState}, ${m.members ?? 0} member${m.members === 1 ? '' : 's'})`;
  const lines = [`${m.model}  topic ${m.topic}  group ${group}`, `  status ${m.status}: ${m.reason}`];
  if (m.error) {
    lines.push(`  consumer: ERR error[${m.error.code}] ${m.error.message}`);
  } else {
    lines.push(
      `  consumer: ${m.consumerStatus}, lag ${m.lag} records, oldest unconsumed ${m.maxTimeLagMs === null ? 'unknown' : formatDuration(m.maxTimeLagMs)}`,
    );
  }
  lines.push(...readModelLines(m).map((l) => `  ${l}`));
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
