import { UsageError } from '../../core/errors.js';
import { INDEX_NAME_RULES, indexNameProblem } from '../../core/naming/index-names.js';

/**
 * The sink's last line of defence for destructive and alias requests: one concrete name by the
 * engines' rules, never a pattern or a list the engine would expand, whoever computed it.
 */
export function assertConcreteIndexName(name: string): void {
  const problem = indexNameProblem(name);
  if (problem) {
    throw new UsageError(`"${name}" is not a single concrete index or alias name: ${problem}`, {
      code: 'INVALID_INDEX_NAME',
      context: { name },
      suggestion: `index names ${INDEX_NAME_RULES}`,
    });
  }
}
