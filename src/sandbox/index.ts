/**
 * Local sandbox: real Kafka, OpenSearch and Elasticsearch processes fetched from Maven Central and
 * run on 127.0.0.1, for operators (`readmodel sandbox up|down|status`) and for the test suite's
 * global setup.
 */
// Only what the test suite's global setup uses: the CLI imports the modules it needs directly, and an
// export nobody imports is dead code (knip checks).
export { createSandbox } from './sandbox.js';
export { resolveSandboxOptions } from './options.js';
export type { ServiceName, UpResult } from './types.js';
export { OLDEST_VERSIONS } from './artifacts.js';
