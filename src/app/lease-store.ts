import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { LeaseHeldError } from '../core/errors.js';
import type { DocToken, SearchSink } from '../core/ports/search-sink.js';
import { ensureIndex } from './ensure-index.js';

export const LEASE_INDEX = 'readmodel_leases';

const LEASE_MAPPING = {
  settings: { number_of_shards: 1 },
  mappings: {
    dynamic: 'strict',
    properties: {
      target: { type: 'keyword' },
      model: { type: 'keyword' },
      purpose: { type: 'keyword' },
      owner: { properties: { host: { type: 'keyword' }, pid: { type: 'long' }, runId: { type: 'keyword' } } },
      startedAt: { type: 'date' },
      heartbeatAt: { type: 'date' },
      ttlMs: { type: 'long' },
    },
  },
};

export interface LeaseOwner {
  host: string;
  pid: number;
  runId: string;
}

export interface LeaseRecord {
  target: string;
  model: string;
  purpose: 'rebuild' | 'prune' | 'swap';
  owner: LeaseOwner;
  startedAt: string;
  heartbeatAt: string;
  ttlMs: number;
}

export interface LeaseOptions {
  /** What the lease guards: an index name, or `alias:<alias>` for a swap. */
  target: string;
  model: string;
  purpose: LeaseRecord['purpose'];
  /** A holder whose heartbeat is older than this may be taken over. */
  ttlMs?: number;
  heartbeatMs?: number;
  now?: () => number;
  /** Whether a process of this host is alive; a dead holder on this host is taken over at once. */
  isAlive?: (pid: number) => boolean;
  onTakeover?: (previous: LeaseRecord, why: string) => void;
  runId?: string;
}

export interface Lease {
  readonly record: LeaseRecord;
  /** Aborted when the lease is lost (another run took it over): stop writing at once. */
  readonly signal: AbortSignal;
  /** Renews now and throws if the lease is no longer ours: call before anything irreversible. */
  confirm(): Promise<void>;
  release(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 60_000;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a lease is free to take, or undefined while its holder is alive. */
export function staleReason(held: LeaseRecord, now: number, self: { host: string }, isAlive: (pid: number) => boolean): string | undefined {
  const age = now - Date.parse(held.heartbeatAt);
  if (held.owner.host === self.host && !isAlive(held.owner.pid)) return `its process ${held.owner.pid} on ${held.owner.host} is gone`;
  if (!(age < held.ttlMs)) return `no heartbeat since ${held.heartbeatAt} (${Math.round(age / 1000)} s ago)`;
  return undefined;
}

export function describeHolder(held: LeaseRecord, now: number): Record<string, unknown> {
  return {
    target: held.target,
    purpose: held.purpose,
    holder: `run ${held.owner.runId} (pid ${held.owner.pid} on ${held.owner.host})`,
    startedAt: held.startedAt,
    lastHeartbeat: `${held.heartbeatAt} (${Math.max(0, Math.round((now - Date.parse(held.heartbeatAt)) / 1000))} s ago)`,
  };
}

/** The current holder of a target, if any (a dead or expired holder is still returned; see staleReason). */
export async function readLease(sink: SearchSink, target: string): Promise<LeaseRecord | undefined> {
  // A lease index not created yet answers like a missing document.
  return (await sink.getDoc(LEASE_INDEX, target))?.doc as LeaseRecord | undefined;
}

/** The holder of a target's lease while it is alive (heartbeating, and its process alive on this host). */
export async function liveHolder(
  sink: SearchSink,
  target: string,
  o: { now?: () => number; isAlive?: (pid: number) => boolean } = {},
): Promise<LeaseRecord | undefined> {
  const held = await readLease(sink, target);
  if (!held) return undefined;
  return staleReason(held, (o.now ?? Date.now)(), { host: hostname() }, o.isAlive ?? processAlive) ? undefined : held;
}

/**
 * Takes the lease on a target, as a document created with op_type=create in readmodel's own index, so
 * two runs can never both hold it: the loser gets the holder's details. A holder that stopped
 * heartbeating (crash, SIGKILL, node loss) is taken over by a conditional write, which again only one
 * contender can win. While held, a heartbeat renews it; if a renewal finds the lease taken, `signal`
 * aborts so the run stops writing before it can mark anything complete.
 */
export async function acquireLease(sink: SearchSink, o: LeaseOptions): Promise<Lease> {
  const now = o.now ?? Date.now;
  const ttlMs = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const self: LeaseOwner = { host: hostname(), pid: process.pid, runId: o.runId ?? randomUUID() };
  await ensureIndex(sink, LEASE_INDEX, LEASE_MAPPING);
  const startedAt = new Date(now()).toISOString();
  const record = (): LeaseRecord => ({
    target: o.target,
    model: o.model,
    purpose: o.purpose,
    owner: self,
    startedAt,
    heartbeatAt: new Date(now()).toISOString(),
    ttlMs,
  });
  const token = await takeLease(sink, o, record, self, now);
  return heartbeat(sink, o, { token, record: record(), ttlMs, now });
}

/** Creates the lease document, or takes over a dead or silent holder's; only one contender can win either. */
async function takeLease(
  sink: SearchSink,
  o: LeaseOptions,
  record: () => LeaseRecord,
  self: LeaseOwner,
  now: () => number,
): Promise<DocToken> {
  const doc = () => record() as unknown as Record<string, unknown>;
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await sink.putDoc(LEASE_INDEX, o.target, doc(), { create: true });
    if (created.ok) return created;
    const held = await sink.getDoc(LEASE_INDEX, o.target);
    if (!held) continue; // released between our two requests: try to create it again
    const holder = held.doc as unknown as LeaseRecord;
    const why = staleReason(holder, now(), self, o.isAlive ?? processAlive);
    if (!why) throw heldError(o, holder, now());
    const taken = await sink.putDoc(LEASE_INDEX, o.target, doc(), { ifMatch: held });
    if (!taken.ok) continue; // someone else took it over first: look again
    o.onTakeover?.(holder, why);
    return taken;
  }
  const holder = (await sink.getDoc(LEASE_INDEX, o.target))?.doc as LeaseRecord | undefined;
  if (holder) throw heldError(o, holder, now());
  throw new LeaseHeldError(`could not take the lease on ${o.target}: it kept changing hands`, { context: { target: o.target } });
}

/**
 * Keeps a taken lease alive: a conditional renewal every TTL/4. A renewal that finds the document
 * changed (another run took over), or no renewal for a whole TTL (engine unreachable), aborts `signal`.
 */
function heartbeat(
  sink: SearchSink,
  o: LeaseOptions,
  start: { token: DocToken; record: LeaseRecord; ttlMs: number; now: () => number },
): Lease {
  const { ttlMs, now } = start;
  let token = start.token;
  let current = start.record;
  let lastRenewal = now();
  let released = false;
  const controller = new AbortController();
  const lost = (message: string) => {
    if (controller.signal.aborted) return;
    controller.abort(
      new LeaseHeldError(message, {
        code: 'LEASE_LOST',
        context: { target: o.target, runId: current.owner.runId },
        suggestion:
          'another run took over this target (this run looked dead to it: a long pause or a lost connection). Nothing was marked complete; re-run when it is done.',
      }),
    );
  };
  const renewOnce = async (): Promise<void> => {
    if (released || controller.signal.aborted) return;
    const next = { ...current, heartbeatAt: new Date(now()).toISOString() };
    const r = await sink.putDoc(LEASE_INDEX, o.target, next as unknown as Record<string, unknown>, { ifMatch: token });
    let landed: DocToken | undefined = r.ok ? r : undefined;
    if (!landed) {
      // A resent renewal whose first answer was lost conflicts with its own write: that is still ours.
      const stored = await sink.getDoc(LEASE_INDEX, o.target);
      const mine = stored?.doc as unknown as LeaseRecord | undefined;
      if (stored && mine?.owner?.runId === current.owner.runId && mine.heartbeatAt === next.heartbeatAt) landed = stored;
    }
    if (!landed) return lost(`lost the lease on ${o.target} to another run`);
    token = { seqNo: landed.seqNo, primaryTerm: landed.primaryTerm };
    current = next;
    lastRenewal = now();
  };
  // One renewal at a time: two in flight with the same token would make the second look like a takeover
  // (a slow engine under load took longer than the heartbeat interval).
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  const renew = (): Promise<void> => {
    pending++;
    const p = queue.then(renewOnce).finally(() => pending--);
    queue = p.catch(() => undefined);
    return p;
  };
  const timer = setInterval(
    () => {
      if (pending > 0) return;
      renew().catch(() => {
        // An unreachable engine: keep trying; past the TTL another run may take over, so stop writing.
        if (now() - lastRenewal >= ttlMs) lost(`could not renew the lease on ${o.target} for ${Math.round(ttlMs / 1000)} s`);
      });
    },
    o.heartbeatMs ?? Math.max(1000, Math.floor(ttlMs / 4)),
  );
  timer.unref();
  return {
    get record() {
      return current;
    },
    signal: controller.signal,
    async confirm() {
      await renew();
      if (controller.signal.aborted) throw controller.signal.reason;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await queue;
      if (!controller.signal.aborted) await sink.deleteDoc(LEASE_INDEX, o.target, { ifMatch: token });
    },
  };
}

function heldError(o: LeaseOptions, holder: LeaseRecord, now: number): LeaseHeldError {
  const ttl = Math.round(holder.ttlMs / 1000);
  return new LeaseHeldError(
    `${o.target} is being ${holder.purpose === 'swap' ? 'swapped' : holder.purpose === 'prune' ? 'pruned' : 'built'} by another run`,
    {
      context: describeHolder(holder, now),
      suggestion:
        `wait for that run to finish. If its process is dead, its lease expires ${ttl} s after its last heartbeat ` +
        '(at once when it ran on this host); re-run the same command then and it will take over.',
    },
  );
}
