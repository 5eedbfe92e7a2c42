import { rm } from 'node:fs/promises';
import { isAlive, isGroupAlive, isSameProcess, stopProcessGroup } from './proc.js';
import type { SandboxContext } from './sandbox-context.js';
import { clearServiceState, readServiceState } from './service-files.js';
import { servicePaths } from './state.js';
import type { ServiceDownResult, ServiceName } from './types.js';

/** Stops a service this sandbox started (never anything else) and, with `purge`, deletes its state dir. */
export async function downService(ctx: SandboxContext, service: ServiceName, purge: boolean): Promise<ServiceDownResult> {
  const { stateDir, stopTimeoutMs } = ctx.options;
  const paths = servicePaths(stateDir, service);
  const state = await readServiceState(stateDir, service);
  let action: ServiceDownResult['action'] = 'not-running';
  if (state) {
    const ours = await isSameProcess(state.pid, state.procStart);
    // Leader gone but its group alive: children of ours (e.g. a server JVM) outlived the launcher.
    const orphans = !ours && !(await isAlive(state.pid)) && isGroupAlive(state.pid);
    if (ours || orphans) {
      ctx.progress(service, `stopping pid ${state.pid}`);
      action = await stopProcessGroup(state.pid, stopTimeoutMs);
    }
    await clearServiceState(stateDir, service);
  }
  if (purge) {
    ctx.progress(service, `purging ${paths.dir}`);
    await rm(paths.dir, { recursive: true, force: true });
  }
  return { service, action, pid: state?.pid ?? null, purged: purge };
}
