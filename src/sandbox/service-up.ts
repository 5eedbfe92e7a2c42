import type { ChildProcess } from 'node:child_process';
import { AbortedError, SandboxError } from '../core/errors.js';
import type { CachedArtifact } from './fetch.js';
import { abortError, versionOf, waitHealthy } from './health.js';
import { prepareKafka, prepareSearchEngine } from './launch.js';
import type { LaunchPlan } from './launch.js';
import { logExcerpts } from './log-excerpts.js';
import { ENV, serviceEndpoint } from './options.js';
import { assertPortsFree } from './ports-free.js';
import { isAlive, isGroupAlive, isSameProcess, readProcStart, stopProcessGroup } from './proc.js';
import type { SandboxContext, SharedResources } from './sandbox-context.js';
import { clearServiceState, readServiceState, writeServiceState } from './service-files.js';
import { spawnDetached } from './spawn-detached.js';
import { requestedVersion, servicePaths } from './state.js';
import type { ServiceState } from './state.js';
import type { ServiceName, ServiceUpResult } from './types.js';

/**
 * Brings one service up: reuses a healthy one this sandbox started, or starts it afresh (artifact,
 * launch plan, detached process, health). Pushes onto `started` what it started and keeps running.
 */
export async function upService(
  ctx: SandboxContext,
  service: ServiceName,
  shared: SharedResources,
  started: ServiceName[],
): Promise<ServiceUpResult> {
  const t0 = Date.now();
  const { stateDir } = ctx.options;
  const state = await readServiceState(stateDir, service);
  if (state) {
    if (await isSameProcess(state.pid, state.procStart)) return reuseRunning(ctx, service, state, t0);
    ctx.progress(service, `stale state: pid ${state.pid} is gone, starting afresh`);
    // A launcher that died may have left its children behind in its process group.
    if (!(await isAlive(state.pid)) && isGroupAlive(state.pid)) await stopProcessGroup(state.pid, ctx.options.stopTimeoutMs);
    await clearServiceState(stateDir, service);
  }
  await assertPortsFree(ctx.options, service, { say: (line) => ctx.progress(service, line) });
  // A missing Java is found before a 100 MB download, not after.
  const java = await shared.java(service);
  ctx.progress(service, `${requestedVersion(ctx.options, service)} on Java ${java.major} (${java.home}, from ${java.source})`);
  const artifact = await shared.fetch(service);
  const plan = await planLaunch(ctx, service, artifact, shared);
  return startService(ctx, service, plan, artifact, started, t0, `${java.major} ${java.home}`);
}

async function reuseRunning(ctx: SandboxContext, service: ServiceName, state: ServiceState, t0: number): Promise<ServiceUpResult> {
  const { options } = ctx;
  const { port, internalPort } = options.ports[service];
  const endpoint = serviceEndpoint(service, port);
  if (state.port !== port || state.internalPort !== internalPort) {
    throw new SandboxError(`${service} is already running on port ${state.port}, not on the requested ${port}`, {
      context: { service, pid: state.pid, runningOn: state.endpoint, requested: endpoint },
      suggestion: `use ${state.endpoint}, or stop it first with \`readmodel sandbox down --only ${service}\``,
    });
  }
  const wanted = requestedVersion(options, service);
  if (state.version !== wanted) {
    throw new SandboxError(`${service} ${state.version} is already running on ${state.endpoint}, not the requested ${wanted}`, {
      context: { service, pid: state.pid, running: state.version, requested: wanted, stateDir: options.stateDir },
      suggestion: `use it as it is (ask for ${state.version}), stop it first with \`readmodel sandbox down --only ${service}\`, or use another --state-dir and ports`,
    });
  }
  ctx.progress(service, `already running (pid ${state.pid}), checking health`);
  try {
    await waitHealthy({
      service,
      port,
      deadline: Date.now() + options.startTimeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      signal: options.signal,
      gone: async () => ((await isSameProcess(state.pid, state.procStart)) ? undefined : 'process ended'),
    });
  } catch (err) {
    if (!(err instanceof SandboxError)) throw err;
    const paths = servicePaths(options.stateDir, service);
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
    java: state.java,
    logFile: state.logFile,
    dataDir: state.dataDir,
    elapsedMs: Date.now() - t0,
    fetchMs: 0,
  };
}

async function planLaunch(
  ctx: SandboxContext,
  service: ServiceName,
  artifact: CachedArtifact,
  shared: SharedResources,
): Promise<LaunchPlan> {
  const { options } = ctx;
  const { stateDir, signal } = options;
  const java = await shared.java(service);
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
          version: requestedVersion(options, service),
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
  return plan;
}

async function startService(
  ctx: SandboxContext,
  service: ServiceName,
  plan: LaunchPlan,
  artifact: CachedArtifact,
  started: ServiceName[],
  t0: number,
  java: string,
): Promise<ServiceUpResult> {
  const { options } = ctx;
  const paths = servicePaths(options.stateDir, service);
  const { port, internalPort } = options.ports[service];
  const endpoint = serviceEndpoint(service, port);
  ctx.progress(service, `starting on ${endpoint}${plan.runAs ? ` as user ${plan.runAs.name}` : ''}`);
  const spawnedAt = Date.now();
  const child = await spawnService(service, plan);
  const pid = child.pid as number;
  let exitInfo: string | undefined;
  child.once('exit', (code, sig) => {
    exitInfo = sig ? `killed by ${sig}` : `exit code ${code}`;
  });
  child.unref();
  started.push(service);
  await writeServiceState(options.stateDir, {
    schema: 1,
    service,
    pid,
    procStart: await readProcStart(pid),
    port,
    internalPort,
    version: requestedVersion(options, service),
    endpoint,
    logFile: paths.logFile,
    dataDir: paths.dataDir,
    startedAt: new Date().toISOString(),
    user: plan.runAs?.name ?? null,
    java,
  });
  try {
    const deadline = spawnedAt + options.startTimeoutMs;
    await waitHealthy({
      service,
      port,
      deadline,
      startTimeoutMs: options.startTimeoutMs,
      signal: options.signal,
      gone: async () => exitInfo,
    });
  } catch (err) {
    throw await abandonStart(ctx, service, pid, started, err);
  }
  const elapsed = Date.now() - t0;
  ctx.progress(service, `healthy after ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s`);
  return {
    service,
    action: 'started',
    pid,
    endpoint,
    port,
    internalPort,
    version: await versionOf(service, port, requestedVersion(options, service)),
    java,
    logFile: paths.logFile,
    dataDir: paths.dataDir,
    elapsedMs: elapsed,
    fetchMs: artifact.fetchMs,
  };
}

async function spawnService(service: ServiceName, plan: LaunchPlan): Promise<ChildProcess> {
  try {
    return await spawnDetached(plan);
  } catch (err) {
    throw new SandboxError(`${service}: could not start ${plan.command}`, {
      context: { service, cause: (err as Error).message },
      cause: err,
    });
  }
}

/** Never leave a half-started service behind: stops it, forgets it, and returns the error to throw. */
async function abandonStart(
  ctx: SandboxContext,
  service: ServiceName,
  pid: number,
  started: ServiceName[],
  err: unknown,
): Promise<unknown> {
  const paths = servicePaths(ctx.options.stateDir, service);
  await stopProcessGroup(pid, 10_000);
  await clearServiceState(ctx.options.stateDir, service);
  started.splice(started.indexOf(service), 1);
  if (!(err instanceof SandboxError) || err instanceof AbortedError) return err;
  return new SandboxError(`${service} failed to start: ${err.message}`, {
    context: {
      service,
      port: ctx.options.ports[service].port,
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
