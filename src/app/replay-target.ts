import { NotOwnedError, UsageError } from '../core/errors.js';
import { didYouMean } from '../core/naming/did-you-mean.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { readManifest } from './read-manifest.js';

/**
 * `replay --to-index` writes only into an existing build of this model. A typo must not create a new
 * index (the engine would on the first write, with a dynamic mapping), and an index another model or
 * tool owns must not receive this model's documents.
 */
export async function checkReplayTarget(
  name: string,
  model: Pick<ReadModelDefinition, 'name' | 'indexBase'>,
  sink: SearchSink,
): Promise<void> {
  const behind = await sink.aliasTargets(name);
  if (behind.length > 1) {
    throw new UsageError(`--to-index: "${name}" is an alias of ${behind.length} indices`, {
      code: 'AMBIGUOUS_TARGET',
      context: { alias: name, indices: behind },
      suggestion: 'name one index',
    });
  }
  const index = behind[0] ?? name;
  if (!(await sink.indexExists(index))) {
    const builds = (await sink.listIndices(`${model.indexBase}_v*`)).map((i) => i.name).sort();
    const guess = didYouMean(name, builds);
    throw new UsageError(`--to-index: index "${name}" does not exist${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      code: 'NO_SUCH_INDEX',
      context: { index: name, builds },
      suggestion: `name an existing build of ${model.name} (readmodel alias show ${model.name} lists them), or leave --to-index out to write behind the alias; replay never creates an index`,
    });
  }
  const manifest = await readManifest(sink, index);
  if (manifest?.model !== model.name) {
    throw new NotOwnedError(`--to-index: index "${index}" is not a build of read model "${model.name}"`, {
      context: { index, ownedBy: manifest?.model ?? '(no readmodel manifest)' },
      suggestion: `replay writes only into indices readmodel built for ${model.name}; name one of those`,
    });
  }
}
