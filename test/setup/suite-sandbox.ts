import { homedir } from 'node:os';
import type { TestProject } from 'vitest/node';
import { createSandbox, resolveSandboxOptions } from '../../src/sandbox/index.js';
import type { ServiceName, UpResult } from '../../src/sandbox/index.js';

/**
 * The body of a vitest global setup that runs a sandbox for one test run: hands out its endpoints,
 * starts (or reuses) the services unless `external`, and stops at teardown what it started.
 */
export async function runSuiteSandbox(
  project: TestProject,
  env: NodeJS.ProcessEnv,
  o: { label: string; external: boolean; check?: (r: UpResult) => void },
): Promise<() => Promise<void>> {
  const options = resolveSandboxOptions({
    env,
    homeDir: homedir(),
    uid: typeof process.getuid === 'function' ? process.getuid() : 1000,
  });
  const say = (line: string) => process.stderr.write(`[${o.label}] ${line}\n`);
  const sandbox = createSandbox({ ...options, onProgress: (service, message) => say(`${service ? `${service}: ` : ''}${message}`) });
  const endpoints = sandbox.endpoints();
  project.provide('kafkaBrokers', endpoints.kafkaBrokers);
  project.provide('opensearchUrl', endpoints.opensearchUrl);
  project.provide('elasticsearchUrl', endpoints.elasticsearchUrl);

  if (o.external) return async () => undefined;

  const t0 = Date.now();
  const result = await sandbox.up({ stopStartedOnFailure: true });
  const started: ServiceName[] = result.services.filter((s) => s.action === 'started').map((s) => s.service);
  say(
    `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${result.services
      .map((s) => `${s.service} ${s.version} ${s.action} at ${s.endpoint}${s.java ? ` on Java ${s.java}` : ''}`)
      .join(', ')}`,
  );
  const stop = async () => {
    if (started.length === 0) return;
    if (env.READMODEL_KEEP_SANDBOX === '1') {
      say(`leaving ${started.join(', ')} running (READMODEL_KEEP_SANDBOX=1)`);
      return;
    }
    await sandbox.down({ services: started });
  };
  try {
    o.check?.(result);
  } catch (err) {
    await stop();
    throw err;
  }
  return stop;
}
