import type { RunManifest } from './run-manifest.js';

export interface PruneCandidate {
  index: string;
  docsCount: number;
  manifest: RunManifest | undefined;
  aliases: readonly string[];
  /** Set when a run holds the index's lease right now. */
  leasedBy?: string;
}

export interface PruneDecision {
  index: string;
  docsCount: number;
  action: 'delete' | 'keep';
  reason: string;
}

/**
 * Which builds of a model prune may delete: only complete builds of this model (by manifest) that no
 * alias points at, that are not among the next `keep` rollback targets, that no run leases, and that
 * are not a candidate waiting for its swap (finished after the last swap). Everything else is kept,
 * with the reason.
 */
export function planPrune(
  candidates: readonly PruneCandidate[],
  o: { model: string; keep: number; rollbackStack: readonly string[]; lastSwapAt?: string },
): PruneDecision[] {
  const protectedTargets = o.rollbackStack.slice(0, o.keep);
  return candidates.map((c) => {
    const keep = (reason: string): PruneDecision => ({ index: c.index, docsCount: c.docsCount, action: 'keep', reason });
    const m = c.manifest;
    if (!m) return keep('not built by readmodel (no manifest): never touched');
    if (m.model !== o.model) return keep(`built for read model "${m.model}": never touched`);
    if (c.aliases.length > 0) return keep(`aliased by ${c.aliases.join(', ')}`);
    if (c.leasedBy) return keep(`leased by ${c.leasedBy}`);
    if (m.status !== 'complete') return keep('incomplete build: the next rebuild of the same inputs replaces it');
    const rank = protectedTargets.indexOf(c.index);
    if (rank >= 0) return keep(`rollback target #${rank + 1} (--keep ${o.keep})`);
    if (o.lastSwapAt && m.finishedAt && m.finishedAt > o.lastSwapAt)
      return keep('built after the last swap: a candidate waiting for its swap');
    if (!o.lastSwapAt && !o.rollbackStack.length) {
      // Nothing was ever swapped: every complete build is still a candidate.
      return keep('no swap recorded yet: still a candidate');
    }
    return {
      index: c.index,
      docsCount: c.docsCount,
      action: 'delete',
      reason: `complete build, not live, not among the last ${o.keep} rollback target(s)`,
    };
  });
}
