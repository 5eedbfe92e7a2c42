/**
 * Local sandbox: real Kafka, OpenSearch and Elasticsearch processes fetched from Maven Central and
 * run on 127.0.0.1, for operators (`readmodel sandbox up|down|status`) and for the test suite's
 * global setup.
 */
export { createSandbox } from './sandbox.js';
export type { DownOptions, Sandbox, StatusOptions, UpOptions } from './sandbox.js';
export {
  DEFAULT_PORTS,
  ENV as SANDBOX_ENV,
  resolveSandboxOptions,
  sandboxEndpoints,
  serviceEndpoint,
} from './options.js';
export type { ResolveInput, ResolvedSandboxOptions, SandboxFlags } from './options.js';
export { ARTIFACTS, ELASTICSEARCH_VERSION, KAFKA_VERSION, OPENSEARCH_VERSION } from './artifacts.js';
export { runSandboxDown, runSandboxStatus, runSandboxUp } from './run.js';
export type { SandboxCommandOptions, SandboxRunDeps } from './run.js';
export { SERVICE_NAMES } from './types.js';
export type {
  DownResult,
  SandboxEndpoints,
  SandboxOptions,
  SandboxPorts,
  SandboxProgress,
  ServiceDownResult,
  ServiceName,
  ServicePorts,
  ServiceStatus,
  ServiceUpResult,
  StatusResult,
  UpResult,
} from './types.js';
