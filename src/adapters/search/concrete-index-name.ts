import { UsageError } from '../../core/errors.js';

/**
 * The sink's last line of defence for destructive and alias requests: one concrete, lower-case name,
 * never a pattern or a list the engine would expand.
 */
export function assertConcreteIndexName(name: string): void {
  if (!name || /[*?,\s"\\/<>|#:]/.test(name) || name !== name.toLowerCase() || /^[-_+.]/.test(name) || name === '.' || name === '..') {
    throw new UsageError(`"${name}" is not a single concrete index or alias name`, {
      code: 'INVALID_INDEX_NAME',
      context: { name },
      suggestion: 'index names and bases are lower case and contain no wildcard (*, ?), comma, space or any of \\ / " < > | # :',
    });
  }
}
