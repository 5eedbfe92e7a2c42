import { ConflictError, NotOwnedError } from '../errors.js';
import { sameBuildInputs, type RunManifest } from './run-manifest.js';

export interface ExistingTarget {
  index: string;
  /** The manifest in the index's `_meta`, or undefined when it has none (readmodel did not build it). */
  manifest: RunManifest | undefined;
  /** Every alias pointing at the index. */
  aliases: readonly string[];
}

export type TargetDecision =
  | { action: 'already-built'; manifest: RunManifest }
  | { action: 'replace'; reason: string }
  /** Our own incomplete build of the same inputs: continue it from its checkpoints (its manifest holds the plan). */
  | { action: 'resume'; manifest: RunManifest };

/**
 * What a rebuild may do with an index that already has its target name. It replaces only what it owns:
 * a build of this very model (by manifest) that no alias points at, and only while the caller holds
 * the target's lease (so no other run is writing it). Everything else is a refusal that says what was
 * found and what to do.
 */
export function decideExistingTarget(
  t: ExistingTarget,
  o: { model: string; alias: string; wanted: RunManifest; force: boolean; sharded?: boolean; explicitEnd?: boolean },
): TargetDecision {
  const m = t.manifest;
  if (!m) {
    throw new NotOwnedError(`index ${t.index} exists but readmodel did not build it (it has no readmodel manifest)`, {
      context: { index: t.index, aliases: t.aliases },
      suggestion: `readmodel only replaces indices it built. If ${t.index} is not needed, delete it yourself (DELETE /${t.index}) and re-run; otherwise change the build (mapping or projection version) so the target name differs`,
    });
  }
  if (m.model !== o.model) {
    throw new NotOwnedError(`index ${t.index} holds a build of read model "${m.model}", not "${o.model}"`, {
      context: { index: t.index, builtFor: m.model },
      suggestion: 'check the model names and index bases in the configuration: two read models must not share an index base',
    });
  }
  if (t.aliases.includes(o.alias)) {
    throw new ConflictError(`index ${t.index} is live behind ${o.alias}; a rebuild never writes to it`, {
      code: 'TARGET_IS_LIVE',
      context: { index: t.index, alias: o.alias, existingRanges: m.ranges, requestedRanges: o.wanted.ranges },
      suggestion:
        'nothing in the mapping, projection or contracts changed, so this build would replace the live index itself; ' +
        'the live consumer keeps it current. To rebuild anyway, change the build (e.g. bump the projection version) or swap the alias away first.',
    });
  }
  if (t.aliases.length > 0) {
    throw new NotOwnedError(`index ${t.index} is in use: aliases ${t.aliases.join(', ')} point at it`, {
      context: { index: t.index, aliases: t.aliases },
      suggestion: 'readmodel never replaces an index an alias points at; remove those aliases first if the index is really unused',
    });
  }
  const sameBuild = m.buildHash === o.wanted.buildHash && m.topic === o.wanted.topic;
  if (m.status === 'complete') {
    // A shard re-run after the seal finds its work done, whatever offsets its own snapshot saw.
    if (o.sharded && sameBuild) return { action: 'already-built', manifest: m };
    if (sameBuildInputs(m, o.wanted) && !o.force) return { action: 'already-built', manifest: m };
    if (!o.force) {
      throw new ConflictError(`index ${t.index} already holds a complete build of other offsets`, {
        context: { index: t.index, existingRanges: m.ranges, requestedRanges: o.wanted.ranges },
        suggestion: 're-run with --force to rebuild it from scratch',
      });
    }
    return { action: 'replace', reason: `replacing the previous complete build ${t.index} (--force)` };
  }
  return incompleteTarget(t.index, m, o, sameBuild);
}

/** An incomplete build of this model that no alias points at: resume it, or start over when told to. */
function incompleteTarget(
  index: string,
  m: RunManifest,
  o: { wanted: RunManifest; force: boolean; sharded?: boolean; explicitEnd?: boolean },
  sameBuild: boolean,
): TargetDecision {
  const layout = (x: { sharded?: boolean }) => (x.sharded ? 'sharded (rebuild --shard / --partitions, then --seal)' : 'a single run');
  if (o.force && !o.sharded)
    return { action: 'replace', reason: `deleting the incomplete build ${index} (started ${m.startedAt}) to start over (--force)` };
  if (!sameBuild) {
    if (!o.sharded)
      return {
        action: 'replace',
        reason: `deleting the incomplete build ${index} of other inputs left by an earlier run (started ${m.startedAt})`,
      };
    throw new ConflictError(`index ${index} is an incomplete build of other inputs (topic ${m.topic}, build ${m.buildHash})`, {
      code: 'TARGET_CONFLICT',
      context: { index, topic: m.topic, buildHash: m.buildHash, wantedTopic: o.wanted.topic, wantedBuildHash: o.wanted.buildHash },
      suggestion:
        'every shard must run the same build (configuration, mapping, contracts, --topic); start it over with a single `rebuild --force`',
    });
  }
  if (!o.sharded && !m.sharded && !samePlan(m, o.wanted, Boolean(o.explicitEnd))) {
    return {
      action: 'replace',
      reason: `deleting the incomplete build ${index} (started ${m.startedAt}): it was planned over other offsets than this run asks for`,
    };
  }
  if (Boolean(m.sharded) !== Boolean(o.wanted.sharded)) {
    throw new ConflictError(`index ${index} is being built as ${layout(m)}, and this run is ${layout(o.wanted)}`, {
      code: 'LAYOUT_CONFLICT',
      context: { index, startedAt: m.startedAt, sharded: Boolean(m.sharded) },
      suggestion: m.sharded
        ? 'finish it the way it was started: run the remaining shards, then `readmodel rebuild <model> --seal`; or start over with `rebuild --force` (no shard running)'
        : 'resume it with the same single command (no --shard/--partitions), or start over with `rebuild --force`',
    });
  }
  return { action: 'resume', manifest: m };
}

/**
 * Whether this run asks for the plan the incomplete build started: the same start on every partition,
 * and the same end when the ends are given (`--to`). Without `--to` the end is "the end offsets at
 * start": a re-run snapshots later ends, and continuing the build means keeping its own.
 */
function samePlan(m: RunManifest, wanted: RunManifest, explicitEnd: boolean): boolean {
  const found = new Map(m.ranges.map((r) => [r.partition, r]));
  if (found.size !== wanted.ranges.length) return false;
  return wanted.ranges.every((w) => {
    const f = found.get(w.partition);
    return f !== undefined && f.start === w.start && (!explicitEnd || f.end === w.end);
  });
}
