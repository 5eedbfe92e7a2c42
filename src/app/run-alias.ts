import { ConflictError, GateRefusedError, LeaseHeldError, SinkRejectedError, SinkUnavailableError, UsageError } from '../core/errors.js';
import type { AliasAction, SearchSink } from '../core/ports/search-sink.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { recordedTarget, rollbackTarget, type SwapRecord } from '../core/alias/swap-history.js';
import type { RunManifest } from '../core/rebuild/run-manifest.js';
import { acquireLease, describeHolder, liveHolder, processAlive, readLease, staleReason, type LeaseOptions } from './lease-store.js';
import { readManifest } from './read-manifest.js';
import { createSwapHistoryStore } from './swap-history-store.js';
import { hostname } from 'node:os';

export interface AliasDeps {
  sink: SearchSink;
  progress: ProgressBus;
  now?: () => number;
  lease?: Pick<LeaseOptions, 'ttlMs' | 'heartbeatMs' | 'isAlive'>;
}

export interface IndexState {
  name: string;
  docsCount: number;
  /** complete | building (a run holds its lease) | incomplete (no run holds it) | not readmodel's */
  status: string;
  checksum?: string;
  live: boolean;
  /** Who is building it, or since when nobody is. */
  lease?: string;
}

export interface AliasState {
  model: string;
  alias: string;
  targets: string[];
  indices: IndexState[];
  history: SwapRecord[];
  rollbackTo?: string;
  /** Set when the alias is not where the history says: the next swap or rollback records it. */
  unrecordedChange?: { recorded: string | null; actual: string | null };
}

export async function runAliasShow(o: { model: ReadModelDefinition }, deps: AliasDeps): Promise<AliasState> {
  const now = deps.now ?? Date.now;
  const alias = aliasName(o.model);
  const targets = await deps.sink.aliasTargets(alias);
  const indices = await deps.sink.listIndices(`${o.model.indexBase}_v*`);
  const history = await createSwapHistoryStore(deps.sink).list(alias);
  const detailed: IndexState[] = [];
  for (const i of indices) {
    const m = await readManifest(deps.sink, i.name);
    const state: IndexState = {
      name: i.name,
      docsCount: i.docsCount,
      status: !m ? 'not built by readmodel' : m.model !== o.model.name ? `built for ${m.model}` : m.status,
      ...(m?.checksum ? { checksum: m.checksum } : {}),
      live: targets.includes(i.name),
    };
    if (m?.status === 'building') {
      const held = await readLease(deps.sink, i.name);
      const why = held && staleReason(held, now(), { host: hostname() }, deps.lease?.isAlive ?? processAlive);
      if (held && !why) {
        state.lease = `run ${held.owner.runId} (pid ${held.owner.pid} on ${held.owner.host}), heartbeat ${held.heartbeatAt}`;
      } else {
        state.status = 'incomplete';
        state.lease = held ? `no live build: ${why}` : `no live build (started ${m.startedAt})`;
      }
    }
    detailed.push(state);
  }
  const back = rollbackTarget(history);
  const recorded = recordedTarget(history) ?? null;
  const actual = targets.length === 1 ? targets[0]! : null;
  return {
    model: o.model.name,
    alias,
    targets,
    indices: detailed,
    history,
    ...(back ? { rollbackTo: back } : {}),
    ...((history.length > 0 || actual) && recorded !== actual ? { unrecordedChange: { recorded, actual } } : {}),
  };
}

/** A check run before a swap; returns reasons to refuse (empty when it passes). */
export interface SwapGate {
  name: string;
  check(ctx: { from: string | null; to: string; manifest: RunManifest }): Promise<string[]>;
}

export interface GateVerdict {
  gate: string;
  verdict: 'passed' | 'failed' | 'overridden';
  reasons: string[];
}

export interface SwapOptions {
  model: ReadModelDefinition;
  to: string;
  /** Swap although gates failed; every overridden verdict is recorded in the history. */
  overrideGates?: boolean;
  gates?: readonly SwapGate[];
  /** Set by rollback: which history action to record. */
  action?: 'swap' | 'rollback';
  /** The caller's own lease on `to` (a rebuild swapping the index it just built). */
  ownLeaseRunId?: string;
}

export interface SwapResult {
  alias: string;
  from: string | null;
  to: string;
  record: SwapRecord;
  /** Every gate's verdict, in order. */
  gates: GateVerdict[];
  /** Reasons of failed gates that were overridden. */
  forced: string[];
  /** A change of the alias found unrecorded in the history and recorded before this swap. */
  reconciled?: SwapRecord;
}

/** The one `_aliases` request a swap sends, exactly as it goes on the wire. */
export interface AliasRequest {
  method: 'POST';
  path: '/_aliases';
  body: { actions: AliasAction[] };
}

/**
 * What a swap would do, read-only: where the alias points, every gate's verdict and the request it
 * would send. `refusal` is set when a gate failed and was not overridden; the real swap then refuses
 * with exactly that error.
 */
export interface SwapPlan {
  dryRun: true;
  action: 'swap' | 'rollback';
  alias: string;
  from: string | null;
  to: string;
  gates: GateVerdict[];
  forced: string[];
  /** An alias change missing from the history that the swap would record first (see reconcile). */
  wouldReconcile?: { from: string | null; to: string };
  request: AliasRequest;
  wouldSwap: boolean;
  refusal?: GateRefusedError;
}

/**
 * Moves `<model>_current` in one atomic `_aliases` request, under a short swap lease on the alias so
 * that two swaps (including the very first exposure, when there is nothing to remove) never both land.
 * The request also removes the alias from exactly the index we read it on (must_exist), so a change
 * made outside readmodel meanwhile makes the whole request fail: the alias is never half-switched.
 */
export async function runAliasSwap(o: SwapOptions, deps: AliasDeps): Promise<SwapResult> {
  const { sink, progress } = deps;
  const now = deps.now ?? Date.now;
  const alias = aliasName(o.model);
  const { plan, manifest } = await planSwap(o, deps);
  if (plan.refusal) throw plan.refusal;
  const { from, forced } = plan;

  progress.emit({ type: 'phase', phase: 'swap' });
  const lock = await swapLock(sink, alias, o.model.name, deps);
  try {
    // Under the lock, the alias must still be where the gates saw it.
    const current = singleTarget(alias, await sink.aliasTargets(alias));
    if (current !== from) {
      throw new ConflictError(`${alias} changed while the gates ran; nothing was switched`, {
        context: { alias, expected: from ?? '(none)', now: current ?? '(none)' },
        suggestion: 'someone else moved the alias: check "readmodel alias show" and retry',
      });
    }
    const history = createSwapHistoryStore(sink);
    let previous = await history.list(alias);
    const reconciled = await reconcile(o.model, alias, current, previous, history, now);
    if (reconciled) previous = [...previous, reconciled];

    await switchAlias(sink, alias, plan.request.body.actions, from, o.to);
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
        ...(forced.length ? { forced } : {}),
      },
      previous,
    );
    return { alias, from, to: o.to, record, gates: plan.gates, forced, ...(reconciled ? { reconciled } : {}) };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/**
 * Exposes a complete build after `rebuild --swap` or `--seal --swap`: a build that already is live is
 * the outcome asked for, not a conflict, so it answers undefined (no swap happened).
 */
export async function exposeBuild(o: SwapOptions, deps: AliasDeps): Promise<SwapResult | undefined> {
  return runAliasSwap(o, deps).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'ALREADY_LIVE') return undefined;
    throw err;
  });
}

/**
 * `alias swap --dry-run`: the same reads, checks and gates as the swap, then stops before the swap
 * lease, the `_aliases` request and the history write. Refusals before the gates (unknown index,
 * wrong model, incomplete, leased, already live) throw exactly as the swap would.
 */
export async function planAliasSwap(o: SwapOptions, deps: AliasDeps): Promise<SwapPlan> {
  return (await planSwap(o, deps)).plan;
}

async function planSwap(o: SwapOptions, deps: AliasDeps): Promise<{ plan: SwapPlan; manifest: RunManifest }> {
  const { sink, progress } = deps;
  const alias = aliasName(o.model);
  progress.emit({ type: 'phase', phase: 'gates' });
  // What the alias points at is read first: the swap is a compare-and-swap against what this command
  // saw when it started, so a swap that lands meanwhile makes this one refuse instead of replacing it.
  const from = singleTarget(alias, await sink.aliasTargets(alias));
  const manifest = await swappableManifest(o, deps);
  if (from === o.to) {
    throw new ConflictError(`${alias} already points at ${o.to}`, { code: 'ALREADY_LIVE', context: { alias, index: o.to } });
  }
  const verdicts = await runGates(o, { from, to: o.to, manifest }, progress);
  const failed = verdicts.filter((v) => v.verdict !== 'passed');
  const refused = failed.length > 0 && !o.overrideGates;
  const actions: AliasAction[] = [];
  if (from) actions.push({ remove: { index: from, alias, must_exist: true } });
  actions.push({ add: { index: o.to, alias } });
  const history = await createSwapHistoryStore(sink).list(alias);
  const recorded = recordedTarget(history) ?? null;
  const plan: SwapPlan = {
    dryRun: true,
    action: o.action ?? 'swap',
    alias,
    from,
    to: o.to,
    gates: verdicts.map((v) => (v.verdict === 'failed' && o.overrideGates ? { ...v, verdict: 'overridden' as const } : v)),
    forced: refused ? [] : failed.flatMap((v) => v.reasons),
    ...(history.length > 0 && from !== null && recorded !== from ? { wouldReconcile: { from: recorded, to: from } } : {}),
    request: { method: 'POST', path: '/_aliases', body: { actions } },
    wouldSwap: !refused,
    ...(refused
      ? {
          refusal: new GateRefusedError(`swap of ${alias} to ${o.to} refused by ${failed.length} gate(s)`, {
            context: {
              alias,
              from,
              to: o.to,
              reasons: failed.flatMap((v) => v.reasons),
              gates: verdicts.map((v) => `${v.gate}: ${v.verdict}${v.reasons.length ? ` (${v.reasons.join('; ')})` : ''}`),
            },
            suggestion: 'inspect with "readmodel diff"; re-run with --override-gates to swap anyway (recorded in the swap history)',
          }),
        }
      : {}),
  };
  return { plan, manifest };
}

/**
 * Swaps of one alias take turns: a second swap waits for the first (its critical section is two
 * requests long) and then finds the alias moved, which is the conflict it reports.
 */
async function swapLock(sink: SearchSink, alias: string, model: string, deps: AliasDeps) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await acquireLease(sink, { target: `alias:${alias}`, model, purpose: 'swap', ttlMs: 60_000, ...deps.lease });
    } catch (err) {
      if (!(err instanceof LeaseHeldError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

async function swappableManifest(o: SwapOptions, deps: AliasDeps): Promise<RunManifest> {
  const { sink } = deps;
  const alias = aliasName(o.model);
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
  const held = await liveHolder(sink, o.to, {
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.lease?.isAlive ? { isAlive: deps.lease.isAlive } : {}),
  });
  if (held && held.owner.runId !== o.ownLeaseRunId) {
    throw new LeaseHeldError(`index ${o.to} is leased by another run (${held.purpose}); it cannot be exposed now`, {
      context: describeHolder(held, (deps.now ?? Date.now)()),
      suggestion: 'wait for that run to finish, then retry',
    });
  }
  return manifest;
}

function singleTarget(alias: string, targets: readonly string[]): string | null {
  if (targets.length > 1) {
    throw new ConflictError(`${alias} points at ${targets.length} indices`, {
      code: 'ALIAS_SPLIT',
      context: { alias, targets },
      suggestion: 'an alias of a read model must point at one index; fix it by hand with the _aliases API, then retry',
    });
  }
  return targets[0] ?? null;
}

async function runGates(o: SwapOptions, ctx: Parameters<SwapGate['check']>[0], progress: ProgressBus): Promise<GateVerdict[]> {
  const verdicts: GateVerdict[] = [];
  for (const g of o.gates ?? []) {
    const reasons = await g.check(ctx);
    const verdict: GateVerdict = { gate: g.name, verdict: reasons.length === 0 ? 'passed' : 'failed', reasons };
    verdicts.push(verdict);
    const shown = verdict.verdict === 'failed' && o.overrideGates ? 'overridden' : verdict.verdict;
    progress.emit({ type: 'gate', gate: g.name, verdict: shown, reasons });
  }
  return verdicts;
}

/**
 * Sends the one `_aliases` request. A refusal means nothing changed. A request whose answer was lost
 * (node died, connection reset) may or may not have been applied: the alias is read again to say
 * which, and if it cannot be read the outcome is reported as unknown rather than guessed.
 */
async function switchAlias(sink: SearchSink, alias: string, actions: AliasAction[], from: string | null, to: string): Promise<void> {
  try {
    await sink.updateAliases(actions);
  } catch (err) {
    if (err instanceof SinkRejectedError) {
      const nowTargets = await sink.aliasTargets(alias).catch(() => ['(unreadable)']);
      // A resend of a request whose first answer was lost fails its must_exist: the first one landed.
      if (nowTargets.length === 1 && nowTargets[0] === to) return;
      throw new ConflictError(`${alias} changed while swapping; nothing was switched`, {
        context: { alias, expected: from ?? '(none)', now: nowTargets, detail: err.message },
        suggestion: 'someone else moved the alias: check "readmodel alias show" and retry',
      });
    }
    let after: string[] | undefined;
    try {
      after = await sink.aliasTargets(alias);
    } catch {
      after = undefined;
    }
    if (after && after.length === 1 && after[0] === to) return; // applied; only the answer was lost
    if (after && (after.length === 0 ? from === null : after.length === 1 && after[0] === from)) throw err; // not applied
    throw new SinkUnavailableError(`the swap of ${alias} to ${to} may or may not have happened: the engine's answer was lost`, {
      code: 'SWAP_OUTCOME_UNKNOWN',
      context: { alias, from: from ?? '(none)', to, now: after ?? '(unreadable)' },
      suggestion: `run "readmodel alias show" when the engine is back; the next swap or rollback records what actually happened`,
      cause: err,
    });
  }
}

/** Records an alias change the history lacks (a swap whose history write was lost, a change by hand). */
async function reconcile(
  model: ReadModelDefinition,
  alias: string,
  actual: string | null,
  history: SwapRecord[],
  store: ReturnType<typeof createSwapHistoryStore>,
  now: () => number,
): Promise<SwapRecord | undefined> {
  const recorded = recordedTarget(history) ?? null;
  // An alias made before readmodel kept a history has nothing to reconcile against.
  if (history.length === 0 || actual === null || recorded === actual) return undefined;
  return store.append(
    { model: model.name, alias, action: 'reconcile', from: recorded, to: actual, at: new Date(now()).toISOString() },
    history,
  );
}

export async function runAliasRollback(o: { model: ReadModelDefinition }, deps: AliasDeps): Promise<SwapResult> {
  return runAliasSwap({ model: o.model, to: await rollbackIndex(o.model, deps), action: 'rollback' }, deps);
}

/** `alias rollback --dry-run`: where the rollback would go and the request it would send, nothing changed. */
export async function planAliasRollback(o: { model: ReadModelDefinition }, deps: AliasDeps): Promise<SwapPlan> {
  return planAliasSwap({ model: o.model, to: await rollbackIndex(o.model, deps), action: 'rollback' }, deps);
}

async function rollbackIndex(model: ReadModelDefinition, deps: AliasDeps): Promise<string> {
  const alias = aliasName(model);
  const history = await createSwapHistoryStore(deps.sink).list(alias);
  // A change missing from the history (see reconcile) counts: roll back from where the alias really is.
  const actual = (await deps.sink.aliasTargets(alias))[0] ?? null;
  const recorded = recordedTarget(history) ?? null;
  const effective =
    history.length > 0 && actual && recorded !== actual
      ? [
          ...history,
          { model: model.name, alias, action: 'reconcile' as const, from: recorded, to: actual, at: '', seq: Number.MAX_SAFE_INTEGER },
        ]
      : history;
  const target = rollbackTarget(effective);
  if (!target) {
    throw new UsageError(`no earlier index to roll ${alias} back to`, {
      code: 'NO_ROLLBACK',
      context: { model: model.name, swaps: history.length },
      suggestion: 'rollback needs a previous swap recorded in the history',
    });
  }
  if (!(await deps.sink.indexExists(target))) {
    throw new ConflictError(`the previous index ${target} no longer exists`, {
      context: { index: target },
      suggestion: 'old indices are kept for rollback; this one was deleted by hand. Rebuild instead.',
    });
  }
  return target;
}
