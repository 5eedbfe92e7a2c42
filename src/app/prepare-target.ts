import { SinkRejectedError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { decideExistingTarget } from '../core/rebuild/existing-target.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { acquireLease, type Lease, type LeaseOptions } from './lease-store.js';
import { readManifest } from './read-manifest.js';

export type PreparedTarget = { outcome: 'already-built'; manifest: RunManifest } | { outcome: 'ready'; lease: Lease; uuid: string };

export interface PrepareTargetOptions {
  index: string;
  alias: string;
  manifest: RunManifest;
  force: boolean;
  body: { settings: Record<string, unknown>; mappings: Record<string, unknown> };
  lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'isAlive' | 'now'>;
}

/**
 * Takes the target's lease, then decides on an existing index of that name by ownership (see
 * decideExistingTarget) and creates a fresh one. Returns the held lease and the new index's uuid, by
 * which finalize later checks that nobody replaced the index under us.
 */
export async function prepareTarget(sink: SearchSink, progress: ProgressBus, o: PrepareTargetOptions): Promise<PreparedTarget> {
  const lease = await acquireLease(sink, {
    target: o.index,
    model: o.manifest.model,
    purpose: 'rebuild',
    ...o.lease,
    onTakeover: (prev, why) =>
      progress.emit({
        type: 'log',
        level: 'warn',
        message: `taking over ${o.index} from run ${prev.owner.runId} (pid ${prev.owner.pid} on ${prev.owner.host}): ${why}`,
      }),
  });
  try {
    if (await sink.indexExists(o.index)) {
      const decision = decideExistingTarget(
        { index: o.index, manifest: await readManifest(sink, o.index), aliases: await sink.indexAliases(o.index) },
        { model: o.manifest.model, alias: o.alias, wanted: o.manifest, force: o.force },
      );
      if (decision.action === 'already-built') {
        await lease.release();
        return { outcome: 'already-built', manifest: decision.manifest };
      }
      progress.emit({ type: 'log', level: 'info', message: decision.reason });
      await lease.confirm();
      await sink.deleteIndex(o.index);
    }
    await createOwnIndex(sink, o);
    const uuid = String((await sink.getSettings(o.index))['index.uuid'] ?? '');
    return { outcome: 'ready', lease, uuid };
  } catch (err) {
    await lease.release().catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the target. A create whose answer was lost is resent by the sink and then meets the index
 * its first attempt made: that one is ours when it carries this run's own manifest (same start time).
 */
async function createOwnIndex(sink: SearchSink, o: PrepareTargetOptions): Promise<void> {
  try {
    await sink.createIndex(o.index, o.body);
  } catch (err) {
    if (!(err instanceof SinkRejectedError) || !(await sink.indexExists(o.index))) throw err;
    const m = await readManifest(sink, o.index);
    if (m?.model === o.manifest.model && m.status === 'building' && m.startedAt === o.manifest.startedAt) return;
    throw err;
  }
}
