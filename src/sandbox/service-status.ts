import { HEALTH_PROBE_TIMEOUT_MS, versionOf } from './health.js';
import { serviceEndpoint } from './options.js';
import { describePortOwner, isPortFree, probeHealth } from './probe.js';
import { isSameProcess, javaOfProcess } from './proc.js';
import { readServiceState } from './service-files.js';
import { requestedVersion, servicePaths } from './state.js';
import type { SandboxOptions, ServiceName, ServiceStatus } from './types.js';

/** Running (healthy or not) when the recorded process is ours; else stopped, with what holds its port. */
export async function serviceStatus(options: SandboxOptions, service: ServiceName): Promise<ServiceStatus> {
  const paths = servicePaths(options.stateDir, service);
  const { port } = options.ports[service];
  const state = await readServiceState(options.stateDir, service);
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
      // State files written before the Java was recorded: ask the process.
      java: state.java ?? (await javaOfProcess(state.pid)) ?? null,
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
    version: state?.version ?? requestedVersion(options, service),
    java: null,
    startedAt: null,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}
