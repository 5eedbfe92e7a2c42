import type { QueryResult } from '../../app/run-query.js';
import type { FacetResult } from '../../core/query/facet-results.js';
import type { QueryDeclaration } from '../../core/query/query-declaration.js';

const MAX_CELL = 40;

function cell(v: unknown): string {
  if (v === undefined || v === null) return '-';
  const s = Array.isArray(v) ? v.map((x) => String(x)).join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 3)}...` : flat;
}

/** Left-aligned columns separated by two spaces, header in upper case: readable and awk-able. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The declared columns (else the document's first fields), then whatever the hits are sorted by. */
function columnsOf(r: QueryResult, declared: QueryDeclaration | undefined): string[] {
  const base = declared?.columns ?? Object.keys(r.hits[0]?.document ?? {}).slice(0, 6);
  const sorted = r.plan.sort.map((k) => k.field).filter((f) => f !== '_score' && f !== declared?.tieBreaker);
  return [...new Set([...base, ...sorted])];
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let v: unknown = doc;
  for (const key of path.split('.')) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
  // A multi-field (`title.keyword`) has no value of its own in the source: show its parent's.
  return v ?? doc[path.split('.')[0]!];
}

function facetLines(f: FacetResult): string[] {
  const head = `  ${f.name} (${f.field}${f.under ? `, under ${f.under}` : ''})`;
  if (f.buckets.length === 0) return [head, '    (none)'];
  if (f.kind === 'hierarchy') {
    const top = Math.min(...f.buckets.map((b) => b.level ?? 0));
    const width = Math.max(...f.buckets.map((b) => 2 * ((b.level ?? 0) - top) + (b.label ?? b.value).length));
    return [head, ...f.buckets.map((b) => `    ${`${'  '.repeat((b.level ?? 0) - top)}${b.label ?? b.value}`.padEnd(width)}  ${b.count}`)];
  }
  const width = Math.max(...f.buckets.map((b) => b.value.length));
  return [head, ...f.buckets.map((b) => `    ${b.value.padEnd(width)}  ${b.count}`)];
}

/** The text answer of `query`: what was read, a table of the hits, and the facet lists. */
export function queryText(r: QueryResult, declared?: QueryDeclaration): string {
  const order = r.plan.sort.map((k) => (k.field === '_score' ? 'relevance' : `${k.order === 'desc' ? '-' : ''}${k.field}`)).join(', ');
  const shown = r.hits.length ? `showing ${r.offset + 1}-${r.offset + r.hits.length}` : `none shown (offset ${r.offset}, limit ${r.limit})`;
  const via = r.target.name === r.target.index ? r.target.index : `${r.target.name} -> ${r.target.index}`;
  const lines = [`${via}: ${r.total} match${r.total === 1 ? '' : 'es'}, ${shown}${order ? `, ordered by ${order}` : ''}`];
  if (r.hits.length) {
    const cols = columnsOf(r, declared);
    const withScore = r.plan.text !== undefined;
    const header = ['ID', ...(withScore ? ['SCORE'] : []), ...cols.map((c) => c.toUpperCase())];
    const rows = r.hits.map((h) => [
      h.id,
      ...(withScore ? [h.score === null ? '-' : h.score.toFixed(3)] : []),
      ...cols.map((c) => cell(valueAt(h.document, c))),
    ]);
    lines.push('', ...table(header, rows));
  }
  if (r.facets.length) {
    lines.push('', 'facets');
    for (const f of r.facets) lines.push(...facetLines(f));
  }
  return `${lines.join('\n')}\n`;
}
