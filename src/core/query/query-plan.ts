import { UsageError } from '../errors.js';
import { didYouMean } from '../naming/did-you-mean.js';
import type { FieldCapabilities, FieldKind } from './field-capabilities.js';
import type { FacetDeclaration, QueryDeclaration } from './query-declaration.js';
import { parseFilter, type FilterExpression } from './query-filter.js';
import { parseSort, type SortKey } from './query-sort.js';

/** The read-model contract's default page size. */
export const DEFAULT_QUERY_LIMIT = 100;
/** One page at most: a query is a read for people and scripts, not an export (use diff or a scan for that). */
export const MAX_QUERY_LIMIT = 1000;
/** offset + limit at most: both engines' default `index.max_result_window`. */
export const MAX_QUERY_WINDOW = 10_000;

/** What an operator asked for, as typed: the read-model contract's query(filters, order_by, limit, offset) plus free text. */
export interface QueryRequest {
  filters?: readonly string[];
  sort?: string;
  text?: string;
  limit?: number;
  offset?: number;
  /** Count the model's declared facets (default true). */
  facets?: boolean;
}

export type FilterValue = string | number | boolean;

export type PlannedFilter =
  | { kind: 'terms'; field: string; values: FilterValue[]; negate: boolean }
  | { kind: 'range'; field: string; bound: 'gt' | 'gte' | 'lt' | 'lte'; value: FilterValue };

export type PlannedFacet =
  | { kind: 'terms'; name: string; field: string; size: number }
  | { kind: 'range'; name: string; field: string; ranges: ReadonlyArray<{ key: string; from?: number; to?: number }> }
  | { kind: 'hierarchy'; name: string; field: string; separator: string; levels: number; under?: string };

/** An engine-neutral query: validated against the index mapping, ready to become a request body. */
export interface QueryPlan {
  filters: PlannedFilter[];
  text?: { query: string; fields: string[] };
  /** The order of the hits, tie-breaker last; `_score` is relevance. */
  sort: SortKey[];
  limit: number;
  offset: number;
  facets: PlannedFacet[];
}

const RANGE_BOUND = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;

function fieldError(
  what: 'filter' | 'sort',
  field: string,
  allowed: readonly string[],
  reason: string,
  source: string,
  guess = didYouMean(field, allowed),
): UsageError {
  return new UsageError(`cannot ${what} on "${field}": ${reason}${guess ? ` (did you mean "${guess}"?)` : ''}`, {
    code: what === 'filter' ? 'UNKNOWN_FILTER_FIELD' : 'UNKNOWN_SORT_FIELD',
    context: { [what]: source, field },
    suggestion: `${what} on one of: ${allowed.join(', ')}`,
  });
}

function kindOf(field: string, caps: FieldCapabilities, what: 'filter' | 'sort', source: string): Exclude<FieldKind, 'text'> {
  const kind = caps.kinds.get(field);
  if (kind === undefined) throw fieldError(what, field, caps.filterable, 'the index mapping has no such field', source);
  if (kind === 'text') {
    const sub = caps.filterable.find((f) => f.startsWith(`${field}.`));
    throw fieldError(what, field, caps.filterable, 'it is a text field (free text searches it: --text)', source, sub);
  }
  return kind;
}

function coerce(value: string, kind: Exclude<FieldKind, 'text'>, f: FilterExpression): FilterValue {
  const bad = (expected: string) =>
    new UsageError(`--filter "${f.source}": "${value}" is not ${expected}`, {
      code: 'INVALID_FILTER',
      context: { filter: f.source, field: f.field, type: kind },
      suggestion: `${f.field} is a ${kind} field: give ${expected}`,
    });
  if (kind === 'numeric') {
    const n = Number(value);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || !Number.isFinite(n)) throw bad('a number');
    return n;
  }
  if (kind === 'boolean') {
    if (value !== 'true' && value !== 'false') throw bad('true or false');
    return value === 'true';
  }
  if (kind === 'date') {
    // Date math (now-1d/d) is the engines' own; anything else must be a time we can read.
    if (/^now([+-/].*)?$/.test(value)) return value;
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw bad('an ISO-8601 time (e.g. 2026-11-01T00:00:00Z) or date math (now-7d)');
    return at.toISOString();
  }
  return value;
}

export function planFilter(f: FilterExpression, caps: FieldCapabilities): PlannedFilter {
  const kind = kindOf(f.field, caps, 'filter', f.source);
  if (f.op === '=' || f.op === '!=') {
    return { kind: 'terms', field: f.field, values: f.values.map((v) => coerce(v, kind, f)), negate: f.op === '!=' };
  }
  if (kind !== 'numeric' && kind !== 'date') {
    throw new UsageError(`--filter "${f.source}": ${f.op} needs a numeric or date field, and ${f.field} is a ${kind} field`, {
      code: 'INVALID_FILTER',
      context: { filter: f.source, field: f.field, type: kind },
      suggestion: `use = or != on ${f.field}`,
    });
  }
  return { kind: 'range', field: f.field, bound: RANGE_BOUND[f.op], value: coerce(f.values[0]!, kind, f) };
}

function planSort(source: string, caps: FieldCapabilities): SortKey[] {
  return parseSort(source).map((k) => {
    if (k.field !== '_score') kindOf(k.field, caps, 'sort', source);
    return k;
  });
}

function pageOf(r: QueryRequest): { limit: number; offset: number } {
  const limit = r.limit ?? DEFAULT_QUERY_LIMIT;
  const offset = r.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_QUERY_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 0 to ${MAX_QUERY_LIMIT}, got ${limit}`, {
      code: 'INVALID_LIMIT',
      context: { limit, max: MAX_QUERY_LIMIT },
      suggestion: `page with --offset, ${MAX_QUERY_LIMIT} at a time`,
    });
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + limit > MAX_QUERY_WINDOW) {
    throw new UsageError(`--offset + --limit must stay within ${MAX_QUERY_WINDOW} (got ${offset} + ${limit})`, {
      code: 'INVALID_OFFSET',
      context: { offset, limit, max: MAX_QUERY_WINDOW },
      suggestion: 'narrow the query with --filter or --text; deep pages are what the engines refuse (index.max_result_window)',
    });
  }
  return { limit, offset };
}

function planFacet(d: FacetDeclaration, filters: readonly PlannedFilter[]): PlannedFacet {
  if (d.kind === 'terms') return { kind: 'terms', name: d.name, field: d.field, size: d.size ?? 10 };
  if (d.kind === 'range') return { kind: 'range', name: d.name, field: d.field, ranges: d.ranges };
  // The category a filter selected is where the tree starts, so drilling down shows the next levels;
  // of several AND-ed selections (Electronics, Electronics/Audio) the deepest.
  const depth = (path: string) => path.split(d.separator).length;
  const under = filters
    .flatMap((f) => (f.kind === 'terms' && !f.negate && f.field === d.field && f.values.length === 1 ? [String(f.values[0])] : []))
    .sort((a, b) => depth(b) - depth(a))[0];
  return { kind: 'hierarchy', name: d.name, field: d.field, separator: d.separator, levels: d.levels ?? 1, ...(under ? { under } : {}) };
}

/**
 * Turns what was typed into a query plan, checking every field against the index mapping: a filter or a
 * sort on a field the mapping cannot filter or sort is a usage error naming the fields that can.
 */
export function planQuery(r: QueryRequest, caps: FieldCapabilities, declared: QueryDeclaration = {}): QueryPlan {
  const filters = (r.filters ?? []).map((s) => planFilter(parseFilter(s), caps));
  const explicit = r.sort !== undefined ? planSort(r.sort, caps) : [];
  const text = r.text?.trim();
  const textFields = [...(declared.textFields ?? caps.text)];
  if (text && textFields.length === 0) {
    throw new UsageError('--text needs a text field, and this read model maps none', {
      code: 'NO_TEXT_FIELDS',
      suggestion: `filter instead: --filter <field>=<value> on one of ${caps.filterable.join(', ')}`,
    });
  }
  const sort = explicit.length ? explicit : text ? [{ field: '_score', order: 'desc' as const }] : [];
  const tie = declared.tieBreaker;
  // Only when this index maps it: `--index` may name an older build or another model's index.
  if (tie && caps.kinds.has(tie) && !sort.some((k) => k.field === tie)) sort.push({ field: tie, order: 'asc' });
  return {
    filters,
    ...(text ? { text: { query: text, fields: textFields } } : {}),
    sort,
    ...pageOf(r),
    facets: r.facets === false ? [] : (declared.facets ?? []).map((d) => planFacet(d, filters)),
  };
}
