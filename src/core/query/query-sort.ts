import { UsageError } from '../errors.js';

export interface SortKey {
  field: string;
  order: 'asc' | 'desc';
}

/** `--sort -rankingScore,price`: fields in priority order, `-` for descending (the read-model contract's order_by). */
export function parseSort(source: string): SortKey[] {
  const parts = source.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '' || p === '-' || p === '+')) {
    throw new UsageError(`--sort "${source}" has an empty field`, {
      code: 'INVALID_SORT',
      context: { sort: source },
      suggestion: 'write e.g. --sort -rankingScore,price (comma-separated fields, "-" for descending)',
    });
  }
  return parts.map((p) => (p.startsWith('-') ? { field: p.slice(1), order: 'desc' } : { field: p.replace(/^\+/, ''), order: 'asc' }));
}
