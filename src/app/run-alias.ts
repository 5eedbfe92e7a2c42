import { ConflictError, GateRefusedError, SinkRejectedError, UsageError } from '../core/errors.js';
import type { AliasAction, SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { rollbackTarget, type SwapRecord } from '../core/alias/swap-history.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { readManifest } from './read-manifest.js';
import { createSwapHistoryStore } from './swap-history-store.js';

export interface AliasDeps {
  sink: SearchSink;
  progress: ProgressBus;
  now?: () => number;
}

export interface AliasState {
  model: string;
  alias: string;
  targets: string[];
  indices: Array<{ name: string; docsCount: number; status: string; checksum?: string; live: boolean }>;
  history: SwapRecord[];
  rollbackTo?: string;
}

export async function runAliasShow(o: { model: ReadModelDefinition }, deps: AliasDeps): Promise<AliasState> {
  const alias = aliasName(o.model);
  const targets = await deps.sink.aliasTargets(alias);
  const indices = await deps.sink.listIndices(`${o.model.indexBase}_v*`);
  const history = await createSwapHistoryStore(deps.sink).list(aliasName(o.model));
  const detailed = [];
  for (const i of indices) {
    const m = await readManifest(deps.sink, i.name);
    detailed.push({
      name: i.name,
      docsCount: i.docsCount,
      status: m?.status ?? 'unknown',
      ...(m?.checksum ? { checksum: m.checksum } : {}),
      live: targets.includes(i.name),
    });
  }
  const back = rollbackTarget(history);
  return { model: o.model.name, alias, targets, indices: detailed, history, ...(back ? { rollbackTo: back } : {}) };
}

/** A check run before a swap; returns reasons to refuse (empty when it passes). */
export type SwapGate = (ctx: { from: string | null; to: string; manifest: RunManifest }) => Promise<string[]>;

export interface SwapOptions {
  model: ReadModelDefinition;
  to: string;
  force?: boolean;
  gates?: readonly SwapGate[];
  /** Set by rollback: which history action to record. */
  action?: 'swap' | 'rollback';
}

export interface SwapResult {
  alias: string;
  from: string | null;
  to: string;
  record: SwapRecord;
  forced: string[];
}

/**
 * Moves `<model>_current` in one atomic `_aliases` request. The request removes the alias from exactly
 * the index we read it on (must_exist), so if anyone moved it meanwhile the whole request fails and
 * nothing changes: the alias is never half-switched.
 */
export async function runAliasSwap(o: SwapOptions, deps: AliasDeps): Promise<SwapResult> {
  const { sink, progress } = deps;
  const now = deps.now ?? Date.now;
  const alias = aliasName(o.model);
  progress.emit({ type: 'phase', phase: 'gates' });
  if (!(await sink.indexExists(o.to))) {
    throw new UsageError(`index ${o.to} does not exist`, {
      code: 'INDEX_NOT_FOUND',
      context: { index: o.to, alias },
      suggestion: `list the candidates with: readmodel alias show ${o.model.name}`,
    });
  }
  const manifest = await readManifest(sink, o.to);
  if (!manifest || manifest.model !== o.model.name) {
    throw new GateRefusedError(`index ${o.to} was not built for ${o.model.name}`, {
      code: 'WRONG_MODEL',
      context: { index: o.to, builtFor: manifest?.model ?? '(no readmodel manifest)' },
      suggestion: `swap ${alias} only to an index built by "readmodel rebuild ${o.model.name}"`,
    });
  }
  if (manifest.status !== 'complete') {
    throw new GateRefusedError(`index ${o.to} is incomplete (status: ${manifest.status})`, {
      code: 'INDEX_INCOMPLETE',
      context: { index: o.to, startedAt: manifest.startedAt },
      suggestion: `re-run "readmodel rebuild ${o.model.name}" to complete it`,
    });
  }
  const targets = await sink.aliasTargets(alias);
  if (targets.length > 1) {
    throw new ConflictError(`${alias} points at ${targets.length} indices`, {
      context: { alias, targets },
      suggestion: 'an alias of a read model must point at one index; fix it by hand with the _aliases API',
    });
  }
  const from = targets[0] ?? null;
  if (from === o.to) {
    throw new ConflictError(`${alias} already points at ${o.to}`, { code: 'ALREADY_LIVE', context: { alias, index: o.to } });
  }
  const reasons: string[] = [];
  for (const gate of o.gates ?? []) reasons.push(...(await gate({ from, to: o.to, manifest })));
  if (reasons.length > 0 && !o.force) {
    throw new GateRefusedError(`swap of ${alias} to ${o.to} refused by ${reasons.length} gate(s)`, {
      context: { alias, from, to: o.to, reasons },
      suggestion: 'inspect with "readmodel diff"; re-run with --force to override (recorded in the swap history)',
    });
  }

  progress.emit({ type: 'phase', phase: 'swap' });
  const history = createSwapHistoryStore(sink);
  const previous = await history.list(alias);
  const actions: AliasAction[] = [];
  if (from) actions.push({ remove: { index: from, alias, must_exist: true } });
  actions.push({ add: { index: o.to, alias } });
  try {
    await sink.updateAliases(actions);
  } catch (err) {
    if (err instanceof SinkRejectedError) {
      const nowTargets = await sink.aliasTargets(alias).catch(() => []);
      throw new ConflictError(`${alias} changed while swapping; nothing was switched`, {
        context: { alias, expected: from, now: nowTargets, detail: err.message },
        suggestion: 'someone else moved the alias: check "readmodel alias show" and retry',
      });
    }
    throw err;
  }
  progress.emit({ type: 'target', index: o.to, alias, aliasTargets: [o.to] });
  const record = await history.append(
    {
      model: o.model.name,
      alias,
      action: o.action ?? 'swap',
      from,
      to: o.to,
      at: new Date(now()).toISOString(),
      ...(manifest.checksum ? { checksum: manifest.checksum } : {}),
      ...(reasons.length ? { forced: reasons } : {}),
    },
    previous,
  );
  return { alias, from, to: o.to, record, forced: o.force ? reasons : [] };
}

export async function runAliasRollback(o: { model: ReadModelDefinition }, deps: AliasDeps): Promise<SwapResult> {
  const history = await createSwapHistoryStore(deps.sink).list(aliasName(o.model));
  const target = rollbackTarget(history);
  if (!target) {
    throw new UsageError(`no earlier index to roll ${aliasName(o.model)} back to`, {
      code: 'NO_ROLLBACK',
      context: { model: o.model.name, swaps: history.length },
      suggestion: 'rollback needs a previous swap recorded in the history',
    });
  }
  if (!(await deps.sink.indexExists(target))) {
    throw new ConflictError(`the previous index ${target} no longer exists`, {
      context: { index: target },
      suggestion: 'old indices are kept for rollback; this one was deleted by hand. Rebuild instead.',
    });
  }
  return runAliasSwap({ model: o.model, to: target, action: 'rollback' }, deps);
}
