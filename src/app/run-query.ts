import { ConflictError, ExitCode, ReadmodelError, UsageError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { facetResults, type FacetResult } from '../core/query/facet-results.js';
import { fieldCapabilities } from '../core/query/field-capabilities.js';
import { queryRequestBody } from '../core/query/query-body.js';
import { planQuery, type QueryPlan, type QueryRequest } from '../core/query/query-plan.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';

export interface QueryOptions extends QueryRequest {
  model: ReadModelDefinition;
  /** Read this index (or alias) instead of `<model>_current`. */
  index?: string;
}

export interface QueryHit {
  id: string;
  /** Relevance; null when the engine computed none (no free text). */
  score: number | null;
  version: number;
  document: Record<string, unknown>;
}

export interface QueryResult {
  model: string;
  /** What was read (the alias, or --index) and the concrete index behind it. */
  target: { name: string; index: string };
  total: number;
  offset: number;
  limit: number;
  hits: QueryHit[];
  facets: FacetResult[];
  plan: QueryPlan;
}

/** The one index a query reads: the alias must exist and point at exactly one build. */
async function resolveTarget(
  sink: SearchSink,
  model: ReadModelDefinition,
  index: string | undefined,
): Promise<{ name: string; index: string }> {
  const name = index ?? aliasName(model);
  const targets = await sink.aliasTargets(name);
  if (targets.length > 1) {
    throw new ConflictError(`alias ${name} points at ${targets.length} indices (${targets.join(', ')}): a query would mix builds`, {
      code: 'ALIAS_AMBIGUOUS',
      context: { alias: name, indices: targets },
      suggestion: `keep the alias on one build (readmodel alias show ${model.name}), or query one of them with --index`,
    });
  }
  if (targets.length === 1) return { name, index: targets[0]! };
  if (index !== undefined) {
    if (await sink.indexExists(index)) return { name, index };
    throw new UsageError(`no index or alias named ${index}`, {
      code: 'INDEX_NOT_FOUND',
      context: { index },
      suggestion: `list the builds of ${model.name} with: readmodel alias show ${model.name}`,
    });
  }
  throw new ReadmodelError(`alias ${name} does not exist: ${model.name} has no live index to query`, {
    code: 'ALIAS_MISSING',
    exitCode: ExitCode.failure,
    context: { alias: name, model: model.name },
    suggestion: `build and expose one: readmodel rebuild ${model.name} --swap (or query a build directly with --index <index>; readmodel alias show ${model.name} lists them)`,
  });
}

/**
 * The read-model contract's query(filters, order_by, limit, offset), plus free text and facets. Read
 * only: it reads the alias (or --index), that index's mapping (which fields can be filtered, sorted and
 * searched), and runs one search.
 */
export async function runQuery(o: QueryOptions, deps: { sink: SearchSink }): Promise<QueryResult> {
  const { sink } = deps;
  const target = await resolveTarget(sink, o.model, o.index);
  const caps = fieldCapabilities(await sink.getMapping(target.index));
  const plan = planQuery(o, caps, o.model.query);
  const answer = await sink.searchDocuments(target.index, queryRequestBody(plan));
  return {
    model: o.model.name,
    target,
    total: answer.total,
    offset: plan.offset,
    limit: plan.limit,
    hits: answer.hits.map((h) => ({ id: h.id, score: h.score, version: h.version, document: h.doc })),
    facets: facetResults(plan.facets, answer.aggregations),
    plan,
  };
}
