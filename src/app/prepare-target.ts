import { LeaseHeldError, SinkRejectedError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { decideExistingTarget } from '../core/rebuild/existing-target.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { deleteCheckpoints, listCheckpoints } from './checkpoint-store.js';
import { acquireLease, describeHolder, liveHolder, type Lease, type LeaseOptions } from './lease-store.js';
import { readManifest } from './read-manifest.js';

export type PreparedTarget =
  | { outcome: 'already-built'; manifest: RunManifest }
  /**
   * `manifest` is the build's: ours when `created`, else the one found in the index (its plan is
   * what an interrupted run or another shard started, and what this run continues).
   */
  | { outcome: 'ready'; lease: Lease; uuid: string; manifest: RunManifest; created: boolean };

export interface PrepareTargetOptions {
  index: string;
  alias: string;
  manifest: RunManifest;
  force: boolean;
  /** The ends were given (`--to`): an incomplete build planned to other ends is not continued. */
  explicitEnd?: boolean;
  /** The worker's name when the build is sharded (its lease is its own); undefined for a single run. */
  shard?: string;
  body: { settings: Record<string, unknown>; mappings: Record<string, unknown> };
  lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'isAlive' | 'now'>;
}

/** The lease a worker takes: the index itself for a single run, the index and shard for a sharded one. */
export const workerLeaseTarget = (index: string, shard: string | undefined) => (shard ? `${index}|${shard}` : index);

/**
 * Takes the worker's lease, then decides on an existing index of that name by ownership (see
 * decideExistingTarget): resume our own incomplete build, or replace it (--force), or create a fresh
 * one. Returns the held lease and the index's uuid, by which finalize later checks that nobody
 * replaced the index under us.
 */
export async function prepareTarget(sink: SearchSink, progress: ProgressBus, o: PrepareTargetOptions): Promise<PreparedTarget> {
  const lease = await acquireLease(sink, {
    target: workerLeaseTarget(o.index, o.shard),
    model: o.manifest.model,
    purpose: 'rebuild',
    ...o.lease,
    onTakeover: (prev, why) =>
      progress.emit({
        type: 'log',
        level: 'warn',
        message: `taking over ${o.index}${o.shard ? ` (${o.shard})` : ''} from run ${prev.owner.runId} (pid ${prev.owner.pid} on ${prev.owner.host}): ${why}`,
      }),
  });
  try {
    const found = await existingDecision(sink, progress, o, lease);
    if (found?.outcome === 'already-built') {
      await lease.release();
      return found;
    }
    let manifest = found?.manifest;
    let created = false;
    if (!manifest) {
      manifest = await createOwnIndex(sink, o);
      created = manifest === o.manifest;
    }
    const uuid = String((await sink.getSettings(o.index))['index.uuid'] ?? '');
    return { outcome: 'ready', lease, uuid, manifest, created };
  } catch (err) {
    await lease.release().catch(() => undefined);
    throw err;
  }
}

/** The existing index's fate: already built, resumed (its manifest), or deleted (undefined: create it). */
async function existingDecision(
  sink: SearchSink,
  progress: ProgressBus,
  o: PrepareTargetOptions,
  lease: Lease,
): Promise<{ outcome: 'already-built'; manifest: RunManifest } | { outcome: 'resume'; manifest: RunManifest } | undefined> {
  if (!(await sink.indexExists(o.index))) return undefined;
  const found = await readManifest(sink, o.index);
  const decision = decideExistingTarget(
    { index: o.index, manifest: found, aliases: await sink.indexAliases(o.index) },
    {
      model: o.manifest.model,
      alias: o.alias,
      wanted: o.manifest,
      force: o.force,
      sharded: Boolean(o.shard),
      explicitEnd: Boolean(o.explicitEnd),
    },
  );
  if (decision.action === 'already-built') return { outcome: 'already-built', manifest: decision.manifest };
  if (decision.action === 'resume') {
    progress.emit({
      type: 'log',
      level: 'info',
      message: `continuing the incomplete build ${o.index} (started ${decision.manifest.startedAt})`,
    });
    return { outcome: 'resume', manifest: decision.manifest };
  }
  progress.emit({ type: 'log', level: 'info', message: decision.reason });
  if (found?.sharded) await refuseLiveShards(sink, o.index);
  await lease.confirm();
  await sink.deleteIndex(o.index);
  await deleteCheckpoints(sink, o.index);
  return undefined;
}

/** A sharded build's workers hold their own leases: starting it over while one runs would pull the index from under it. */
async function refuseLiveShards(sink: SearchSink, index: string): Promise<void> {
  for (const cp of await listCheckpoints(sink, index)) {
    const held = await liveHolder(sink, workerLeaseTarget(index, cp.shard));
    if (held) {
      throw new LeaseHeldError(`${index} is being built by shard workers; ${cp.shard} is running`, {
        context: describeHolder(held, Date.now()),
        suggestion: 'wait for the shards to finish (or stop them) before starting the build over',
      });
    }
  }
}

/**
 * Creates the target and returns its manifest. A create whose answer was lost is resent by the sink
 * and then meets the index its first attempt made: that one is ours when it carries this run's own
 * manifest (same start time). A sharded worker that loses the creation race to another shard joins
 * the build that one started (its manifest, so its plan).
 */
async function createOwnIndex(sink: SearchSink, o: PrepareTargetOptions): Promise<RunManifest> {
  try {
    await sink.createIndex(o.index, o.body);
    return o.manifest;
  } catch (err) {
    if (!(err instanceof SinkRejectedError) || !(await sink.indexExists(o.index))) throw err;
    const m = await readManifest(sink, o.index);
    if (m?.model === o.manifest.model && m.status === 'building' && m.startedAt === o.manifest.startedAt) return o.manifest;
    const decision = decideExistingTarget(
      { index: o.index, manifest: m, aliases: await sink.indexAliases(o.index) },
      { model: o.manifest.model, alias: o.alias, wanted: o.manifest, force: false, sharded: Boolean(o.shard) },
    );
    if (o.shard && decision.action === 'resume') return decision.manifest;
    throw err;
  }
}
