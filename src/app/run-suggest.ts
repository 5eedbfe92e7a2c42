import { ExitCode, ReadmodelError, UsageError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { fieldsWithAutocomplete, prefixProblem, suggestQuery } from '../core/suggest/autocomplete.js';
import { resolveReadTarget, type ReadTarget } from './read-target.js';

export interface SuggestOptions {
  model: ReadModelDefinition;
  prefix: string;
  /** Read this index instead of the one behind the alias. */
  index?: string;
  limit: number;
}

export interface Suggestion {
  id: string;
  score: number | null;
  /** The autocomplete fields' values, by field name (title, category for product-search). */
  [field: string]: unknown;
}

export interface SuggestResult extends ReadTarget {
  model: string;
  prefix: string;
  /** Fields searched, most important first: the model's autocomplete fields the index's mapping has. */
  fields: string[];
  suggestions: Suggestion[];
}

/** Autocomplete through the alias (or one index): what a shopper typing `prefix` would be offered. */
export async function runSuggest(o: SuggestOptions, deps: { sink: SearchSink }): Promise<SuggestResult> {
  const problem = prefixProblem(o.prefix);
  if (problem) throw new UsageError(`the prefix "${o.prefix}" cannot be suggested for: ${problem}`, { code: 'INVALID_VALUE' });
  const wanted = o.model.autocompleteFields ?? [];
  if (wanted.length === 0) {
    throw new UsageError(`${o.model.name} offers no autocomplete`, {
      code: 'AUTOCOMPLETE_UNSUPPORTED',
      context: { model: o.model.name },
      suggestion: 'suggest works for models that declare autocompleteFields (product-search does); use readmodel get for one document',
    });
  }
  const { sink } = deps;
  const target = await resolveReadTarget(sink, o.model, o.index);
  // The index's own mapping decides: builds made before autocomplete existed have none.
  const fields = fieldsWithAutocomplete(await sink.getMapping(target.index), wanted);
  if (fields.length === 0) {
    throw new ReadmodelError(`index ${target.index} has no autocomplete fields (${wanted.map((f) => `${f}.autocomplete`).join(', ')})`, {
      code: 'NO_AUTOCOMPLETE',
      exitCode: ExitCode.failure,
      context: { index: target.index, model: o.model.name },
      suggestion: `it was built with a mapping from before autocomplete: rebuild with readmodel rebuild ${o.model.name} --swap`,
    });
  }
  const idField = o.model.projection.idField;
  const hits = await sink.suggest(target.index, suggestQuery({ prefix: o.prefix, fields, idField, limit: o.limit }));
  return {
    model: o.model.name,
    ...target,
    prefix: o.prefix,
    fields,
    suggestions: hits.map((h) => ({ id: h.id, score: h.score, ...Object.fromEntries(fields.map((f) => [f, h.doc[f] ?? null])) })),
  };
}
