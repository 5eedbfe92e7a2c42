import type { TestProject } from 'vitest/node';
import { runSuiteSandbox } from './suite-sandbox.js';

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

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return runSuiteSandbox(project, process.env, { label: 'sandbox', external: process.env.READMODEL_SANDBOX_EXTERNAL === '1' });
}
