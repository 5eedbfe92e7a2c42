import { ConflictError, ExitCode, ReadmodelError, UsageError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';

/** The index a read command reads: the one behind `<model>_current`, or the one `--index` names. */
export interface ReadTarget {
  index: string;
  alias: string;
  /** Whether the alias points at this index right now. */
  live: boolean;
}

/**
 * A missing alias is an error, not an empty answer: "no product matches" and "no read model is live"
 * must never look alike to the person asking.
 */
export async function resolveReadTarget(sink: SearchSink, model: ReadModelDefinition, index?: string): Promise<ReadTarget> {
  const alias = aliasName(model);
  if (index !== undefined) {
    if (!(await sink.indexExists(index))) {
      throw new UsageError(`index ${index} does not exist`, {
        code: 'INDEX_NOT_FOUND',
        context: { index, model: model.name },
        suggestion: `list the builds of ${model.name} with: readmodel alias show ${model.name}`,
      });
    }
    const targets = await sink.aliasTargets(alias);
    return { index, alias, live: targets.includes(index) };
  }
  const targets = await sink.aliasTargets(alias);
  if (targets.length > 1) {
    throw new ConflictError(`${alias} points at ${targets.length} indices`, {
      code: 'ALIAS_SPLIT',
      context: { alias, targets },
      suggestion: 'read one of them with --index, and fix the alias by hand with the _aliases API',
    });
  }
  if (targets.length === 0) {
    throw new ReadmodelError(`the alias ${alias} does not exist: no build of ${model.name} is live`, {
      code: 'ALIAS_MISSING',
      exitCode: ExitCode.failure,
      context: { alias, model: model.name },
      suggestion: `build and expose one with: readmodel rebuild ${model.name} --swap, or read a build with --index (readmodel alias show ${model.name} lists them)`,
    });
  }
  return { index: targets[0]!, alias, live: true };
}
