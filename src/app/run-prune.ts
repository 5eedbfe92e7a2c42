import { LeaseHeldError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { rollbackStack } from '../core/alias/swap-history.js';
import { planPrune, type PruneCandidate, type PruneDecision } from '../core/rebuild/prune-plan.js';
import { acquireLease, liveHolder, type LeaseOptions } from './lease-store.js';
import { readManifest } from './read-manifest.js';
import { createSwapHistoryStore } from './swap-history-store.js';

export interface PruneOptions {
  model: ReadModelDefinition;
  keep: number;
  dryRun?: boolean;
}

export interface PruneReport {
  model: string;
  alias: string;
  dryRun: boolean;
  decisions: PruneDecision[];
  deleted: string[];
}

/**
 * Deletes old builds of one model by the same ownership rules as rebuild (see planPrune). Each delete
 * happens under the index's lease and after a fresh look at its aliases, so a swap or a rebuild that
 * started meanwhile is never undercut.
 */
export async function runPrune(
  o: PruneOptions,
  deps: { sink: SearchSink; progress: ProgressBus; now?: () => number; lease?: Pick<LeaseOptions, 'ttlMs' | 'isAlive'> },
): Promise<PruneReport> {
  const { sink } = deps;
  const now = deps.now ?? Date.now;
  const alias = aliasName(o.model);
  const history = await createSwapHistoryStore(sink).list(alias);
  const candidates: PruneCandidate[] = [];
  for (const i of await sink.listIndices(`${o.model.indexBase}_v*`)) {
    const live = await liveHolder(sink, i.name, { now, ...(deps.lease?.isAlive ? { isAlive: deps.lease.isAlive } : {}) });
    candidates.push({
      index: i.name,
      docsCount: i.docsCount,
      manifest: await readManifest(sink, i.name),
      aliases: i.aliases,
      ...(live ? { leasedBy: `run ${live.owner.runId} (${live.purpose}, pid ${live.owner.pid} on ${live.owner.host})` } : {}),
    });
  }
  const lastSwap = [...history].sort((a, b) => a.seq - b.seq).at(-1);
  const decisions = planPrune(candidates, {
    model: o.model.name,
    keep: o.keep,
    rollbackStack: rollbackStack(history),
    ...(lastSwap ? { lastSwapAt: lastSwap.at } : {}),
  });
  const deleted: string[] = [];
  if (!o.dryRun) {
    for (const d of decisions) {
      if (d.action !== 'delete') continue;
      let lease;
      try {
        lease = await acquireLease(sink, { target: d.index, model: o.model.name, purpose: 'prune', ...deps.lease });
      } catch (err) {
        if (!(err instanceof LeaseHeldError)) throw err;
        Object.assign(d, { action: 'keep', reason: `a run took its lease meanwhile: ${err.message}` });
        continue;
      }
      try {
        const aliases = await sink.indexAliases(d.index);
        if (aliases.length > 0) {
          Object.assign(d, { action: 'keep', reason: `aliased meanwhile by ${aliases.join(', ')}` });
          continue;
        }
        deps.progress.emit({ type: 'log', level: 'info', message: `deleting ${d.index}: ${d.reason}` });
        await sink.deleteIndex(d.index);
        deleted.push(d.index);
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
  }
  return { model: o.model.name, alias, dryRun: Boolean(o.dryRun), decisions, deleted };
}
