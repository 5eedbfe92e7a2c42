import { AbortedError } from '../core/errors.js';
import { artifactFor } from './artifacts.js';
import { ensureArtifact } from './fetch.js';
import type { CachedArtifact } from './fetch.js';
import { discoverJavaHomes, ensureServiceUser, isRoot, resolveServiceJava } from './host.js';
import type { JavaRuntime } from './java-select.js';
import { requestedVersion } from './state.js';
import { withStateLock } from './lock.js';
import { sandboxEndpoints } from './options.js';
import type { SandboxContext, SharedResources } from './sandbox-context.js';
import { downService } from './service-down.js';
import { serviceStatus } from './service-status.js';
import { upService } from './service-up.js';
import { SERVICE_NAMES } from './types.js';
import type { DownResult, SandboxEndpoints, SandboxOptions, ServiceName, StatusResult, UpResult } from './types.js';
import { systemFailure, upFailureError } from './up-failures.js';

export interface UpOptions {
  services?: readonly ServiceName[];
  /**
   * When one service fails, also stop the others this call started (not the reused ones). The
   * test global setup wants this; the CLI leaves healthy services running and says so.
   */
  stopStartedOnFailure?: boolean;
}

export interface DownOptions {
  services?: readonly ServiceName[];
  /** Also delete each service's state dir: data, logs and runtime copies. */
  purge?: boolean;
}

export interface StatusOptions {
  services?: readonly ServiceName[];
}

export interface Sandbox {
  readonly options: SandboxOptions;
  endpoints(): SandboxEndpoints;
  up(o?: UpOptions): Promise<UpResult>;
  down(o?: DownOptions): Promise<DownResult>;
  status(o?: StatusOptions): Promise<StatusResult>;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

function orderOf(services: readonly ServiceName[] | undefined): ServiceName[] {
  const wanted = new Set(services ?? SERVICE_NAMES);
  return SERVICE_NAMES.filter((s) => wanted.has(s));
}

/**
 * The sandbox: `up`, `down` and `status` over the services it owns, under the state dir's lock. The
 * per-service steps live in service-up.ts, service-down.ts and service-status.ts.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const { stateDir, cacheDir, signal } = options;
  const ctx: SandboxContext = { options, progress: (service, message) => options.onProgress?.(service, message) };
  return {
    options,
    endpoints: () => sandboxEndpoints(options.ports),

    async up(o: UpOptions = {}): Promise<UpResult> {
      const lockTimeoutMs = options.startTimeoutMs + 15 * 60_000;
      return withStateLock(stateDir, { timeoutMs: lockTimeoutMs, signal, onProgress: options.onProgress }, () =>
        upAll(ctx, orderOf(o.services), o),
      );
    },

    async down(o: DownOptions = {}): Promise<DownResult> {
      const services = orderOf(o.services);
      const lockTimeoutMs = options.stopTimeoutMs + options.startTimeoutMs + 60_000;
      return withStateLock(stateDir, { timeoutMs: lockTimeoutMs, signal, onProgress: options.onProgress }, async () => ({
        stateDir,
        services: await Promise.all(services.map((s) => downService(ctx, s, o.purge ?? false))),
      }));
    },

    async status(o: StatusOptions = {}): Promise<StatusResult> {
      const services = orderOf(o.services);
      return { stateDir, cacheDir, services: await Promise.all(services.map((s) => serviceStatus(options, s))) };
    },
  };
}

/** Java, the service user and the artifacts, each resolved once per `up`. */
function sharedResources(options: SandboxOptions): SharedResources {
  // Downloads run one at a time (mvn shares ~/.m2 and 2 cores gain nothing from parallel
  // unzips); a service starts as soon as its own artifact is there.
  let fetchChain: Promise<unknown> = Promise.resolve();
  const discovered = once(() => discoverJavaHomes(options.env));
  const javas = new Map<ServiceName, Promise<JavaRuntime>>();
  return {
    java: (s: ServiceName) => {
      let p = javas.get(s);
      if (!p) {
        p = resolveServiceJava({
          service: s,
          version: requestedVersion(options, s),
          serviceHome: options.serviceJavaHomes?.[s],
          allHome: options.javaHome,
          env: options.env,
          discovered,
        });
        javas.set(s, p);
      }
      return p;
    },
    user: once(async () => (isRoot() ? ensureServiceUser(options.serviceUser, options.env, options.onProgress) : null)),
    fetch: (s: ServiceName): Promise<CachedArtifact> => {
      const next = fetchChain.then(() =>
        ensureArtifact(artifactFor(s, requestedVersion(options, s)), {
          cacheDir: options.cacheDir,
          env: options.env,
          signal: options.signal,
          onProgress: options.onProgress,
        }),
      );
      fetchChain = next.catch(() => undefined);
      return next;
    },
  };
}

/** Starts (or reuses) every service in parallel; on failure reports them all, optionally stopping what it started. */
async function upAll(ctx: SandboxContext, services: ServiceName[], o: UpOptions): Promise<UpResult> {
  const { options } = ctx;
  const shared = sharedResources(options);
  const started: ServiceName[] = [];
  const guarded = (s: ServiceName) =>
    upService(ctx, s, shared, started).catch((err: unknown) => {
      throw systemFailure(s, err, isRoot());
    });
  const settled = await Promise.allSettled(services.map(guarded));
  const ok = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.flatMap((r, i) =>
    r.status === 'rejected' ? [{ service: services[i] as ServiceName, error: r.reason as unknown }] : [],
  );
  if (failed.length === 0)
    return { stateDir: options.stateDir, cacheDir: options.cacheDir, endpoints: sandboxEndpoints(options.ports), services: ok };

  if (o.stopStartedOnFailure) {
    for (const s of [...started]) {
      ctx.progress(s, 'stopping (another service failed to start)');
      await downService(ctx, s, false);
    }
  }
  const aborted = failed.find((f) => f.error instanceof AbortedError);
  if (aborted) throw aborted.error;
  throw upFailureError(failed, o.stopStartedOnFailure ? ok.filter((r) => r.action === 'reused') : ok);
}
