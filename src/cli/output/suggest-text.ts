import type { SuggestResult } from '../../app/run-suggest.js';

const cell = (v: unknown): string => (v === null || v === undefined ? '-' : Array.isArray(v) ? v.join(', ') : String(v));

/** `suggest` as a table: one suggestion per row (id, then each autocomplete field), best first. */
export function suggestText(r: SuggestResult): string {
  const where = r.live ? `${r.alias} -> ${r.index}` : `${r.index} (not live: ${r.alias} points elsewhere)`;
  const head = `${r.suggestions.length} suggestion${r.suggestions.length === 1 ? '' : 's'} for "${r.prefix}" from ${where}`;
  if (r.suggestions.length === 0) return `${head}\n`;
  const columns = ['id', ...r.fields];
  const rows = r.suggestions.map((s) => columns.map((c) => cell(s[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [head, '', line(columns.map((c) => c.toUpperCase())), ...rows.map(line), ''].join('\n');
}
