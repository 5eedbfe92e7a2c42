/** Small, pure text helpers for the terminal UI (no ink, no React: unit-testable on their own). */

// Made on first use: building it loads ICU data, ~20 ms that `--help` and error paths never need.
let grouping: Intl.NumberFormat | undefined;

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? (grouping ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(Math.round(n)) : '?';
}

/** Seconds as an operator reads them: "42s", "3m05s", "2h07m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** 1536 -> "1.5 KiB", 8388608 -> "8 MiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 || v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** A fixed-width bar, e.g. "██████░░░░" for 0.6 at width 10. */
export function bar(fraction: number, width: number): string {
  const w = Math.max(1, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * w);
  return '█'.repeat(filled) + '░'.repeat(w - filled);
}

/** 0.5234 -> " 52%"; never shows 100% before the work is really complete. */
export function formatPercent(fraction: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const pct = f < 1 ? Math.min(99, Math.floor(f * 100)) : 100;
  return `${String(pct).padStart(3)}%`;
}

/** Cuts a line to the terminal width so a long message never wraps the layout apart. */
export function clip(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ⏎ ');
  if (width <= 1 || oneLine.length <= width) return oneLine;
  return `${oneLine.slice(0, width - 1)}…`;
}
