import type { JavaRuntime } from './java-select.js';
import type { CachedArtifact } from './fetch.js';
import type { PasswdEntry } from './state.js';
import type { SandboxOptions, ServiceName } from './types.js';

/** What every per-service step of one sandbox needs. */
export interface SandboxContext {
  options: SandboxOptions;
  progress(service: ServiceName | null, message: string): void;
}

/** Resolved once per `up` and shared by the services it starts. */
export interface SharedResources {
  java: (s: ServiceName) => Promise<JavaRuntime>;
  user: () => Promise<PasswdEntry | null>;
  fetch: (s: ServiceName) => Promise<CachedArtifact>;
}
