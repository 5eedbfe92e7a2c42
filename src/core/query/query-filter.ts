import { UsageError } from '../errors.js';

export type FilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One `--filter` as typed: `availability=in_stock`, `price<100`, `categoryPath=Home/Kitchen`. */
export interface FilterExpression {
  field: string;
  op: FilterOperator;
  /** For `=` and `!=`, comma-separated values mean "any of". */
  values: string[];
  /** The text as given, for error messages. */
  source: string;
}

// The field is the longest run of name characters; the first operator after it wins, so a value may
// itself contain `=` (`attributeFacets=color=red`).
const FILTER = /^\s*([A-Za-z_@][\w.@-]*)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$/s;

export function parseFilter(source: string): FilterExpression {
  const m = FILTER.exec(source);
  if (!m) {
    throw new UsageError(`--filter "${source}" is not <field><operator><value>`, {
      code: 'INVALID_FILTER',
      context: { filter: source },
      suggestion: 'write e.g. --filter availability=in_stock, --filter price<100, --filter rating>=4 (operators: = != < <= > >=)',
    });
  }
  const [, field, op, raw] = m as unknown as [string, string, FilterOperator, string];
  const values = op === '=' || op === '!=' ? raw.split(',').map((v) => v.trim()) : [raw];
  if (values.some((v) => v === '')) {
    throw new UsageError(`--filter "${source}" has an empty value`, {
      code: 'INVALID_FILTER',
      context: { filter: source, field },
      suggestion: `give a value after "${op}", e.g. --filter ${field}${op}<value>`,
    });
  }
  return { field, op, values, source };
}
