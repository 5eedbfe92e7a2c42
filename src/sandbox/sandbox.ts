import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, SandboxError, isReadmodelError } from '../core/errors.js';
import { ARTIFACTS } from './artifacts.js';
import { ensureArtifact } from './fetch.js';
import type { CachedArtifact } from './fetch.js';
import { ensureServiceUser, isRoot, resolveJavaRuntime } from './host.js';
import type { JavaRuntime } from './host.js';
import { prepareKafka, prepareSearchEngine } from './launch.js';
import type { LaunchPlan } from './launch.js';
import { withStateLock } from './lock.js';
import { ENV, sandboxEndpoints, serviceEndpoint } from './options.js';
import { describePortOwner, isPortFree, probeHealth, searchEngineInfo } from './probe.js';
import { inheritableFds, isAlive, isGroupAlive, isSameProcess, readProcStart, stopProcessGroup } from './proc.js';
import { defaultVersion, interestingLogLines, parseServiceState, renderServiceState, servicePaths, tailLines } from './state.js';
import type { PasswdEntry, ServiceState } from './state.js';
import { SERVICE_NAMES } from './types.js';
import type {
  DownResult,
  SandboxEndpoints,
  SandboxOptions,
  ServiceDownResult,
  ServiceName,
  ServiceStatus,
  ServiceUpResult,
  StatusResult,
  UpResult,
} from './types.js';

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

const PORT_FLAG: Record<ServiceName, string> = {
  kafka: `--kafka-port <port> (or ${ENV.kafkaPort})`,
  opensearch: `--opensearch-port <port> (or ${ENV.opensearchPort})`,
  elasticsearch: `--elasticsearch-port <port> (or ${ENV.elasticsearchPort})`,
};

/** Error code for "a port we need is held by something we did not start". */
export const PORT_IN_USE = 'SANDBOX_PORT_IN_USE';

const HEALTH_PROBE_TIMEOUT_MS = 2000;
const HEALTH_POLL_MS = 500;
const LOG_TAIL_LINES = 20;
const CONSOLE_TAIL_LINES = 10;

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

function abortError(signal: AbortSignal | undefined): AbortedError {
  const reason: unknown = signal?.reason;
  return reason instanceof AbortedError ? reason : new AbortedError();
}

function indent(lines: string[]): string {
  return lines.map((l) => `    | ${l}`).join('\n');
}

async function readOr(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Log excerpts for a failed start: the end of the console output (where the JVM itself and the
 * launch scripts complain) and the error lines of the main log (or its end when it has none).
 */
async function logExcerpts(logFile: string, consoleLog: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const consoleLines = tailLines(await readOr(consoleLog), CONSOLE_TAIL_LINES);
  if (consoleLines.length > 0) out.consoleTail = `\n${indent(consoleLines)}`;
  const logLines = interestingLogLines(await readOr(logFile), LOG_TAIL_LINES);
  if (logLines.length > 0) out.logExcerpt = `\n${indent(logLines)}`;
  return out;
}

function orderOf(services: readonly ServiceName[] | undefined): ServiceName[] {
  const wanted = new Set(services ?? SERVICE_NAMES);
  return SERVICE_NAMES.filter((s) => wanted.has(s));
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const { stateDir, cacheDir, signal } = options;
  const progress = (service: ServiceName | null, message: string) => options.onProgress?.(service, message);

  async function readState(service: ServiceName): Promise<ServiceState | undefined> {
    try {
      return parseServiceState(await readFile(servicePaths(stateDir, service).stateFile, 'utf8'), service);
    } catch {
      return undefined;
    }
  }

  async function writeState(state: ServiceState): Promise<void> {
    const paths = servicePaths(stateDir, state.service);
    await writeFile(paths.stateFile, renderServiceState(state));
    await writeFile(paths.pidFile, `${state.pid}\n`);
  }

  async function clearState(service: ServiceName): Promise<void> {
    const paths = servicePaths(stateDir, service);
    await rm(paths.stateFile, { force: true });
    await rm(paths.pidFile, { force: true });
  }

  /** Polls health until healthy; fails on deadline, abort, or when `gone()` reports the process ended. */
  async function waitHealthy(
    service: ServiceName,
    port: number,
    deadline: number,
    gone: () => Promise<string | undefined>,
  ): Promise<void> {
    let last = 'not probed yet';
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const ended = await gone();
      if (ended !== undefined) throw new SandboxError(`${service} exited during startup (${ended})`, { context: { cause: ended } });
      const h = await probeHealth(service, port, HEALTH_PROBE_TIMEOUT_MS);
      if (h.healthy) return;
      last = h.detail;
      if (Date.now() >= deadline) {
        throw new SandboxError(
          `${service} did not become healthy within ${Math.round(options.startTimeoutMs / 1000)} s`,
          { context: { lastProbe: last } },
        );
      }
      await sleep(HEALTH_POLL_MS, undefined, signal ? { signal } : undefined).catch(() => undefined);
    }
  }

  async function versionOf(service: ServiceName, port: number, recorded: string): Promise<string> {
    if (service === 'kafka') return recorded;
    const info = await searchEngineInfo(port, HEALTH_PROBE_TIMEOUT_MS);
    return info?.version ?? recorded;
  }

  async function assertPortsFree(service: ServiceName): Promise<void> {
    const { port, internalPort } = options.ports[service];
    for (const [p, label] of [
      [port, 'port'],
      [internalPort, service === 'kafka' ? 'controller port' : 'transport port'],
    ] as const) {
      if (await isPortFree(p)) continue;
      const owner = await describePortOwner(p, options.env);
      throw new SandboxError(
        `${service}: ${label} ${p} on 127.0.0.1 is already in use by a process this sandbox did not start`,
        {
          code: PORT_IN_USE,
          context: { service, port: p, heldBy: owner ?? '(unknown; try `ss -ltnp`)', stateDir },
          suggestion: `stop that process, or move the sandbox's ${service} with ${PORT_FLAG[service]}`,
        },
      );
    }
  }

  async function spawnDetached(plan: LaunchPlan): Promise<ChildProcess> {
    const out = openSync(plan.paths.consoleLog, 'a');
    // Cover inherited non-CLOEXEC fds with /dev/null in the child (see inheritableFds).
    const leaked = await inheritableFds();
    const devNull = leaked.length > 0 ? openSync('/dev/null', 'r') : undefined;
    const stdio: StdioOptions = ['ignore', out, out];
    for (let fd = 3; devNull !== undefined && fd <= (leaked.at(-1) ?? 0); fd++) {
      stdio.push(leaked.includes(fd) ? devNull : 'ignore');
    }
    try {
      const child = spawn(plan.command, plan.args, {
        cwd: plan.cwd,
        env: plan.env,
        detached: true,
        stdio,
        ...(plan.runAs ? { uid: plan.runAs.uid, gid: plan.runAs.gid } : {}),
      });
      return await new Promise((resolve, reject) => {
        child.once('spawn', () => resolve(child));
        child.once('error', reject);
      });
    } finally {
      closeSync(out);
      if (devNull !== undefined) closeSync(devNull);
    }
  }

  async function upOne(
    service: ServiceName,
    shared: { java: () => Promise<JavaRuntime>; user: () => Promise<PasswdEntry | null>; fetch: (s: ServiceName) => Promise<CachedArtifact> },
    started: ServiceName[],
  ): Promise<ServiceUpResult> {
    const t0 = Date.now();
    const paths = servicePaths(stateDir, service);
    const { port, internalPort } = options.ports[service];
    const endpoint = serviceEndpoint(service, port);

    const state = await readState(service);
    if (state) {
      if (await isSameProcess(state.pid, state.procStart)) {
        if (state.port !== port || state.internalPort !== internalPort) {
          throw new SandboxError(`${service} is already running on port ${state.port}, not on the requested ${port}`, {
            context: { service, pid: state.pid, runningOn: state.endpoint, requested: endpoint },
            suggestion: `use ${state.endpoint}, or stop it first with \`readmodel sandbox down --only ${service}\``,
          });
        }
        progress(service, `already running (pid ${state.pid}), checking health`);
        try {
          await waitHealthy(service, port, Date.now() + options.startTimeoutMs, async () =>
            (await isSameProcess(state.pid, state.procStart)) ? undefined : 'process ended',
          );
        } catch (err) {
          if (!(err instanceof SandboxError)) throw err;
          throw new SandboxError(`${service} is running (pid ${state.pid}) but not healthy: ${err.message}`, {
            context: { service, pid: state.pid, ...err.context, log: state.logFile, ...(await logExcerpts(state.logFile, paths.consoleLog)) },
            suggestion: `restart it: \`readmodel sandbox down --only ${service} && readmodel sandbox up --only ${service}\``,
          });
        }
        return {
          service,
          action: 'reused',
          pid: state.pid,
          endpoint,
          port,
          internalPort,
          version: await versionOf(service, port, state.version),
          logFile: state.logFile,
          dataDir: state.dataDir,
          elapsedMs: Date.now() - t0,
          fetchMs: 0,
        };
      }
      progress(service, `stale state: pid ${state.pid} is gone, starting afresh`);
      // A launcher that died may have left its children behind in its process group.
      if (!(await isAlive(state.pid)) && isGroupAlive(state.pid)) await stopProcessGroup(state.pid, options.stopTimeoutMs);
      await clearState(service);
    }

    await assertPortsFree(service);
    const artifact = await shared.fetch(service);
    const java = await shared.java();
    if (signal?.aborted) throw abortError(signal);
    const plan =
      service === 'kafka'
        ? await prepareKafka({
            stateDir,
            ports: options.ports.kafka,
            libsDir: `${artifact.dir}/libs`,
            java,
            heap: options.heap,
            env: options.env,
            signal,
            onProgress: options.onProgress,
          })
        : await prepareSearchEngine({
            engine: service,
            version: ARTIFACTS[service].version,
            stateDir,
            ports: options.ports[service],
            distributionDir: artifact.dir,
            java,
            heap: options.heap,
            env: options.env,
            runAs: await shared.user(),
            onProgress: options.onProgress,
          });
    if (signal?.aborted) throw abortError(signal);

    progress(service, `starting on ${endpoint}${plan.runAs ? ` as user ${plan.runAs.name}` : ''}`);
    const spawnedAt = Date.now();
    let child: ChildProcess;
    try {
      child = await spawnDetached(plan);
    } catch (err) {
      throw new SandboxError(`${service}: could not start ${plan.command}`, {
        context: { service, cause: (err as Error).message },
        cause: err,
      });
    }
    const pid = child.pid as number;
    let exitInfo: string | undefined;
    child.once('exit', (code, sig) => {
      exitInfo = sig ? `killed by ${sig}` : `exit code ${code}`;
    });
    child.unref();
    started.push(service);
    await writeState({
      schema: 1,
      service,
      pid,
      procStart: await readProcStart(pid),
      port,
      internalPort,
      version: ARTIFACTS[service].version,
      endpoint,
      logFile: paths.logFile,
      dataDir: paths.dataDir,
      startedAt: new Date().toISOString(),
      user: plan.runAs?.name ?? null,
    });

    try {
      await waitHealthy(service, port, spawnedAt + options.startTimeoutMs, async () => exitInfo);
    } catch (err) {
      // Never leave a half-started service behind.
      await stopProcessGroup(pid, 10_000);
      await clearState(service);
      started.splice(started.indexOf(service), 1);
      if (!(err instanceof SandboxError) || err instanceof AbortedError) throw err;
      throw new SandboxError(`${service} failed to start: ${err.message}`, {
        context: {
          service,
          port,
          ...err.context,
          log: paths.logFile,
          console: paths.consoleLog,
          ...(await logExcerpts(paths.logFile, paths.consoleLog)),
        },
        suggestion:
          'cause' in err.context
            ? `see the excerpts above and ${paths.logFile}; the failed process was cleaned up`
            : `the process was stopped; on a slow or busy machine raise --timeout (or ${ENV.timeout}); details in ${paths.logFile}`,
      });
    }
    const elapsed = Date.now() - t0;
    progress(service, `healthy after ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s`);
    return {
      service,
      action: 'started',
      pid,
      endpoint,
      port,
      internalPort,
      version: await versionOf(service, port, ARTIFACTS[service].version),
      logFile: paths.logFile,
      dataDir: paths.dataDir,
      elapsedMs: elapsed,
      fetchMs: artifact.fetchMs,
    };
  }

  async function stopOne(service: ServiceName, purge: boolean): Promise<ServiceDownResult> {
    const paths = servicePaths(stateDir, service);
    const state = await readState(service);
    let action: ServiceDownResult['action'] = 'not-running';
    if (state) {
      const ours = await isSameProcess(state.pid, state.procStart);
      // Leader gone but its group alive: children of ours (e.g. a server JVM) outlived the launcher.
      const orphans = !ours && !(await isAlive(state.pid)) && isGroupAlive(state.pid);
      if (ours || orphans) {
        progress(service, `stopping pid ${state.pid}`);
        action = await stopProcessGroup(state.pid, options.stopTimeoutMs);
      }
      await clearState(service);
    }
    if (purge) {
      progress(service, `purging ${paths.dir}`);
      await rm(paths.dir, { recursive: true, force: true });
    }
    return { service, action, pid: state?.pid ?? null, purged: purge };
  }

  async function statusOne(service: ServiceName): Promise<ServiceStatus> {
    const paths = servicePaths(stateDir, service);
    const { port } = options.ports[service];
    const state = await readState(service);
    const base = {
      service,
      endpoint: serviceEndpoint(service, state?.port ?? port),
      port: state?.port ?? port,
      logFile: state?.logFile ?? paths.logFile,
    };
    if (state && (await isSameProcess(state.pid, state.procStart))) {
      const h = await probeHealth(service, state.port, HEALTH_PROBE_TIMEOUT_MS);
      return {
        ...base,
        status: h.healthy ? 'running' : 'unhealthy',
        pid: state.pid,
        version: await versionOf(service, state.port, state.version),
        startedAt: state.startedAt,
        note: h.healthy ? null : h.detail,
      };
    }
    const notes: string[] = [];
    if (state) notes.push(`stale state file: pid ${state.pid} is gone`);
    if (!(await isPortFree(port))) {
      const owner = await describePortOwner(port, options.env);
      notes.push(`port ${port} is held by a process this sandbox did not start${owner ? `: ${owner}` : ''}`);
    }
    return {
      ...base,
      status: 'stopped',
      pid: null,
      version: state?.version ?? defaultVersion(service),
      startedAt: null,
      note: notes.length > 0 ? notes.join('; ') : null,
    };
  }

  return {
    options,
    endpoints: () => sandboxEndpoints(options.ports),

    async up(o: UpOptions = {}): Promise<UpResult> {
      const services = orderOf(o.services);
      const lockTimeoutMs = options.startTimeoutMs + 15 * 60_000;
      return withStateLock(stateDir, { timeoutMs: lockTimeoutMs, signal, onProgress: options.onProgress }, async () => {
        // Downloads run one at a time (mvn shares ~/.m2 and 2 cores gain nothing from parallel
        // unzips); a service starts as soon as its own artifact is there.
        let fetchChain: Promise<unknown> = Promise.resolve();
        const shared = {
          java: once(() => resolveJavaRuntime(options.javaHome, options.env)),
          user: once(async () => (isRoot() ? ensureServiceUser(options.serviceUser, options.env, options.onProgress) : null)),
          fetch: (s: ServiceName): Promise<CachedArtifact> => {
            const next = fetchChain.then(() =>
              ensureArtifact(ARTIFACTS[s], { cacheDir, env: options.env, signal, onProgress: options.onProgress }),
            );
            fetchChain = next.catch(() => undefined);
            return next;
          },
        };
        const started: ServiceName[] = [];
        // fs/system failures (EACCES, ENOSPC, ...) are the operator's to fix, not bugs: name the service.
        const guarded = (s: ServiceName) =>
          upOne(s, shared, started).catch((err: unknown) => {
            if (isReadmodelError(err) || !(err instanceof Error)) throw err;
            const errno = err as NodeJS.ErrnoException;
            throw new SandboxError(`${s}: ${err.message}`, {
              context: { service: s, ...(errno.code ? { code: errno.code } : {}), ...(errno.path ? { path: errno.path } : {}) },
              suggestion:
                errno.code === 'EACCES'
                  ? `make ${errno.path ?? 'that path'} readable/writable for ${isRoot() ? 'root' : 'the current user'}, or point READMODEL_CACHE_DIR / READMODEL_SANDBOX_DIR elsewhere`
                  : undefined,
              cause: err,
            });
          });
        const settled = await Promise.allSettled(services.map(guarded));
        const ok = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [{ service: services[i], error: r.reason as unknown }] : []));
        if (failed.length === 0) return { stateDir, cacheDir, endpoints: sandboxEndpoints(options.ports), services: ok };

        if (o.stopStartedOnFailure) {
          for (const s of [...started]) {
            progress(s, 'stopping (another service failed to start)');
            await stopOne(s, false);
          }
        }
        const aborted = failed.find((f) => f.error instanceof AbortedError);
        if (aborted) throw aborted.error;
        const running = o.stopStartedOnFailure ? ok.filter((r) => r.action === 'reused') : ok;
        const first = failed[0] as { service: ServiceName; error: unknown };
        const stillRunning = running.map((r) => `${r.service} (${r.endpoint})`);
        if (failed.length === 1) {
          const e = first.error;
          if (!isReadmodelError(e)) throw e;
          throw new SandboxError(e.message, {
            code: e.code,
            context: { ...e.context, ...(stillRunning.length > 0 ? { stillRunning: stillRunning.join(', ') } : {}) },
            suggestion: e.suggestion,
            cause: e,
          });
        }
        const context: Record<string, unknown> = {};
        const suggestions: string[] = [];
        for (const f of failed) {
          const e = f.error;
          const message = e instanceof Error ? e.message.replace(new RegExp(`^${f.service}: `), '') : String(e);
          const held = isReadmodelError(e) && typeof e.context.heldBy === 'string' ? ` (held by ${e.context.heldBy})` : '';
          const log = isReadmodelError(e) && typeof e.context.log === 'string' ? ` (log: ${e.context.log})` : '';
          const output =
            isReadmodelError(e) && typeof e.context.output === 'string' && e.context.output !== ''
              ? `: ${e.context.output.split('\n')[0]}`
              : '';
          context[f.service as string] = `${message}${output}${held}${log}`;
          if (isReadmodelError(e) && e.suggestion && !suggestions.includes(e.suggestion)) suggestions.push(e.suggestion);
        }
        if (stillRunning.length > 0) context.stillRunning = stillRunning.join(', ');
        throw new SandboxError(`${failed.length} sandbox services failed to start: ${failed.map((f) => f.service).join(', ')}`, {
          code: failed.every((f) => isReadmodelError(f.error) && f.error.code === PORT_IN_USE) ? PORT_IN_USE : undefined,
          context,
          suggestion: suggestions.length > 0 ? suggestions.join('; ') : undefined,
          cause: first.error,
        });
      });
    },

    async down(o: DownOptions = {}): Promise<DownResult> {
      const services = orderOf(o.services);
      const lockTimeoutMs = options.stopTimeoutMs + options.startTimeoutMs + 60_000;
      return withStateLock(stateDir, { timeoutMs: lockTimeoutMs, signal, onProgress: options.onProgress }, async () => ({
        stateDir,
        services: await Promise.all(services.map((s) => stopOne(s, o.purge ?? false))),
      }));
    },

    async status(o: StatusOptions = {}): Promise<StatusResult> {
      const services = orderOf(o.services);
      return { stateDir, cacheDir, services: await Promise.all(services.map((s) => statusOne(s))) };
    },
  };
}
