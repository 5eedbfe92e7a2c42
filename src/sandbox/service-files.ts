import { readFile, rm, writeFile } from 'node:fs/promises';
import { parseServiceState, renderServiceState, servicePaths } from './state.js';
import type { ServiceState } from './state.js';
import type { ServiceName } from './types.js';

/** The service's state file, or undefined when there is none or it cannot be parsed. */
export async function readServiceState(stateDir: string, service: ServiceName): Promise<ServiceState | undefined> {
  try {
    return parseServiceState(await readFile(servicePaths(stateDir, service).stateFile, 'utf8'), service);
  } catch {
    return undefined;
  }
}

export async function writeServiceState(stateDir: string, state: ServiceState): Promise<void> {
  const paths = servicePaths(stateDir, state.service);
  await writeFile(paths.stateFile, renderServiceState(state));
  await writeFile(paths.pidFile, `${state.pid}\n`);
}

export async function clearServiceState(stateDir: string, service: ServiceName): Promise<void> {
  const paths = servicePaths(stateDir, service);
  await rm(paths.stateFile, { force: true });
  await rm(paths.pidFile, { force: true });
}
