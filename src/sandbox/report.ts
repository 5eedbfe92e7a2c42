import type { DownResult, StatusResult, UpResult } from './types.js';

/**
 * Human-readable renderings of up/down/status results. Pure: results in, lines out.
 */

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** The major of a "<major> <home>" Java as `up` records it. */
function javaMajorOf(java: string): string {
  return java.split(' ')[0] ?? '';
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatUpResult(r: UpResult): string[] {
  const rows = r.services.map((s) => [
    s.service,
    s.action,
    s.endpoint,
    `pid ${s.pid}`,
    s.version,
    s.java === null ? '' : `Java ${javaMajorOf(s.java)}`,
    s.action === 'started' ? formatSeconds(s.elapsedMs) : '',
  ]);
  const lines = table(rows);
  lines.push('');
  for (const s of r.services) lines.push(`${s.service} log: ${s.logFile}`);
  lines.push(`state: ${r.stateDir}`);
  return lines;
}

export function formatDownResult(r: DownResult): string[] {
  return table(r.services.map((s) => [s.service, s.action, s.pid === null ? '' : `pid ${s.pid}`, s.purged ? 'data purged' : '']));
}

export function formatStatusResult(r: StatusResult): string[] {
  const rows = [['SERVICE', 'STATUS', 'PID', 'ENDPOINT', 'VERSION', 'JAVA', 'LOG']];
  for (const s of r.services) {
    const java = s.java === null ? '-' : javaMajorOf(s.java);
    rows.push([s.service, s.status, s.pid === null ? '-' : String(s.pid), s.endpoint, s.version, java, s.logFile]);
  }
  const lines = table(rows);
  for (const s of r.services) if (s.note) lines.push(`  ${s.service}: ${s.note}`);
  return lines;
}
