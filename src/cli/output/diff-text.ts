import type { DiffReport } from '../../app/run-diff.js';

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined'));

/** The human report of `diff`: counts, one-sided ids, changed documents field by field, mapping. */
export function diffText(r: DiffReport): string {
  const lines = [
    `from ${r.from.name}${r.from.name !== r.from.index ? ` (${r.from.index})` : ''}: ${r.from.count} documents`,
    `to   ${r.to.index}: ${r.to.count} documents`,
    `only in from: ${r.onlyInFrom.count}${r.onlyInFrom.ids.length ? `  e.g. ${r.onlyInFrom.ids.join(', ')}` : ''}`,
    `only in to:   ${r.onlyInTo.count}${r.onlyInTo.ids.length ? `  e.g. ${r.onlyInTo.ids.join(', ')}` : ''}`,
    `changed:      ${r.changed.count}   unchanged: ${r.unchanged}   changed share: ${(r.changedShare * 100).toFixed(2)}%`,
  ];
  for (const d of r.changed.documents) {
    lines.push(`  ${d.id}`);
    for (const f of d.fields) lines.push(`    ${f.path}: ${show(f.from)} -> ${show(f.to)}`);
  }
  lines.push(`mapping differences: ${r.mapping.length}`);
  for (const f of r.mapping) lines.push(`  ${f.path}: ${show(f.from)} -> ${show(f.to)}`);
  lines.push(r.identical ? 'identical' : 'different');
  return `${lines.join('\n')}\n`;
}
