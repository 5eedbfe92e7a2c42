import { homedir } from 'node:os';
import type { TestProject } from 'vitest/node';
import { createSandbox, resolveSandboxOptions } from '../../src/sandbox/index.js';
import type { ServiceName } from '../../src/sandbox/index.js';

/**
 * Vitest global setup: one real Kafka, OpenSearch and Elasticsearch for the whole run, shared by all
 * test files (tests isolate themselves with random topic and index names).
 *
 * - Services already running (an earlier `readmodel sandbox up`, or a previous run kept alive) are
 *   reused and left running afterwards.
 * - Services this setup started are stopped at teardown, unless READMODEL_KEEP_SANDBOX=1, which
 *   makes the next run start in well under a second.
 * - READMODEL_SANDBOX_EXTERNAL=1 starts nothing and only hands out the endpoints (for services run
 *   some other way on the same ports, e.g. docker-compose.yml).
 * - Ports, state and cache dirs follow the same env variables as `readmodel sandbox`
 *   (READMODEL_SANDBOX_KAFKA_PORT, READMODEL_SANDBOX_DIR, READMODEL_CACHE_DIR, ...).
 *
 * Tests read the endpoints with `inject('kafkaBrokers')`, `inject('opensearchUrl')`,
 * `inject('elasticsearchUrl')`.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap brokers, e.g. "127.0.0.1:19092". */
    kafkaBrokers: string;
    /** e.g. "http://127.0.0.1:19200" */
    opensearchUrl: string;
    /** e.g. "http://127.0.0.1:19201" */
    elasticsearchUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const options = resolveSandboxOptions({
    env,
    homeDir: homedir(),
    uid: typeof process.getuid === 'function' ? process.getuid() : 1000,
  });
  const sandbox = createSandbox({
    ...options,
    onProgress: (service, message) => process.stderr.write(`[sandbox] ${service ? `${service}: ` : ''}${message}\n`),
  });
  const endpoints = sandbox.endpoints();
  project.provide('kafkaBrokers', endpoints.kafkaBrokers);
  project.provide('opensearchUrl', endpoints.opensearchUrl);
  project.provide('elasticsearchUrl', endpoints.elasticsearchUrl);

  if (env.READMODEL_SANDBOX_EXTERNAL === '1') return async () => undefined;

  const t0 = Date.now();
  const result = await sandbox.up({ stopStartedOnFailure: true });
  const started: ServiceName[] = result.services.filter((s) => s.action === 'started').map((s) => s.service);
  process.stderr.write(
    `[sandbox] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${result.services
      .map((s) => `${s.service} ${s.action} at ${s.endpoint}`)
      .join(', ')}\n`,
  );

  return async () => {
    if (started.length === 0) return;
    if (env.READMODEL_KEEP_SANDBOX === '1') {
      process.stderr.write(`[sandbox] leaving ${started.join(', ')} running (READMODEL_KEEP_SANDBOX=1)\n`);
      return;
    }
    await sandbox.down({ services: started });
  };
}
