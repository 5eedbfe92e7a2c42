import { homedir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { OLDEST_VERSIONS } from '../../src/sandbox/index.js';
import { defaultStateDir } from '../../src/sandbox/options.js';
import type { ServiceName } from '../../src/sandbox/index.js';
import { runSuiteSandbox } from './suite-sandbox.js';

/**
 * Global setup of the oldest-engines smoke suite (vitest.oldest.config.ts): its own Kafka 3.9,
 * OpenSearch 2.19 and Elasticsearch 8.19, on their own ports and state dir, so it never meets the
 * main suite's current engines.
 *
 * - READMODEL_OLDEST_KAFKA_PORT / _OPENSEARCH_PORT / _ELASTICSEARCH_PORT move it (29092/29200/29201).
 *   They stay below the kernel's ephemeral range (32768-60999): there, the main suite's many client
 *   connections could hold one as a local port just when this suite starts (it happened in CI).
 * - READMODEL_OLDEST_SANDBOX_DIR sets its state dir (default: the sandbox's own with "-oldest").
 * - READMODEL_OLDEST_EXTERNAL=1 starts nothing (services run elsewhere on those ports).
 * - READMODEL_KEEP_SANDBOX=1 leaves what it started running, as for the main suite.
 */
const PORTS: Record<ServiceName, [string, string]> = {
  kafka: ['READMODEL_OLDEST_KAFKA_PORT', '29092'],
  opensearch: ['READMODEL_OLDEST_OPENSEARCH_PORT', '29200'],
  elasticsearch: ['READMODEL_OLDEST_ELASTICSEARCH_PORT', '29201'],
};

export function oldestEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Nothing of the main sandbox's placement or versions may leak in (e.g. a sourced next-sandbox.env).
  const out = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('READMODEL_SANDBOX_')));
  for (const [service, [name, def]] of Object.entries(PORTS)) {
    out[`READMODEL_SANDBOX_${service.toUpperCase()}_PORT`] = env[name] ?? def;
  }
  out.READMODEL_SANDBOX_VERSIONS = 'oldest';
  out.READMODEL_SANDBOX_TIMEOUT = env.READMODEL_SANDBOX_TIMEOUT ?? '300';
  const base = env.READMODEL_SANDBOX_DIR ?? defaultStateDir(env, homedir(), process.getuid?.() ?? 1000);
  out.READMODEL_SANDBOX_DIR = env.READMODEL_OLDEST_SANDBOX_DIR ?? `${path.resolve(base)}-oldest`;
  // Java is found per service (Java 17 from PATH runs all three); a sandbox-wide override meant for
  // the current engines would not fit OpenSearch 2.x.
  for (const k of ['READMODEL_SANDBOX_HEAP', 'READMODEL_SANDBOX_USER']) if (env[k] !== undefined) out[k] = env[k];
  return out;
}

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return runSuiteSandbox(project, oldestEnv(process.env), {
    label: 'oldest',
    external: process.env.READMODEL_OLDEST_EXTERNAL === '1',
    check: (r) => {
      for (const s of r.services) {
        if (s.version !== OLDEST_VERSIONS[s.service]) {
          throw new Error(`the oldest-engines suite found ${s.service} ${s.version} on ${s.endpoint}, not ${OLDEST_VERSIONS[s.service]}`);
        }
      }
    },
  });
}
