/**
 * Shapes shared by the sandbox engine: which services exist, where they listen, what the engine is
 * configured with and what it reports back. No behaviour lives here.
 */

export const SERVICE_NAMES = ['kafka', 'opensearch', 'elasticsearch'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/**
 * The two ports of one service. `port` is what clients use (Kafka PLAINTEXT listener, HTTP for the
 * search engines); `internalPort` is the second listener a single node still binds (Kafka KRaft
 * controller, search-engine transport). Both are bound to 127.0.0.1 only.
 */
export interface ServicePorts {
  port: number;
  internalPort: number;
}

export type SandboxPorts = Record<ServiceName, ServicePorts>;

/** Where tests and the CLI reach the services. */
export interface SandboxEndpoints {
  kafkaBrokers: string;
  opensearchUrl: string;
  elasticsearchUrl: string;
}

/** A progress line for humans ("kafka: fetching ..."); `service` is null for sandbox-wide messages. */
export type SandboxProgress = (service: ServiceName | null, message: string) => void;

/** Everything `createSandbox` needs. Resolve it from flags and env with `resolveSandboxOptions`. */
export interface SandboxOptions {
  /** Runtime state: per-service data, logs, pid and state files, runtime copies of distributions. */
  stateDir: string;
  /** Downloaded artifacts, reused across state dirs and runs. */
  cacheDir: string;
  ports: SandboxPorts;
  /** How long each service may take to become healthy once its process is started. */
  startTimeoutMs: number;
  /** How long `down` waits after SIGTERM before it sends SIGKILL. */
  stopTimeoutMs: number;
  /** JVM heap for each service, e.g. "512m". */
  heap: string;
  /** Unprivileged user the search engines run as when we are root (they refuse to run as root). */
  serviceUser: string;
  /** Java home for every service (READMODEL_SANDBOX_JAVA_HOME); refused for a service it does not fit. */
  javaHome?: string | undefined;
  /** Per-service Java homes (READMODEL_SANDBOX_<SERVICE>_JAVA_HOME); win over javaHome. */
  serviceJavaHomes?: Partial<Record<ServiceName, string>> | undefined;
  /** Version each service runs; absent: the defaults of src/core/support-matrix.ts. */
  versions?: Partial<Record<ServiceName, string>> | undefined;
  /** Environment for child processes (mvn, java); PATH and MAVEN_OPTS are taken from it. */
  env: NodeJS.ProcessEnv;
  onProgress?: SandboxProgress | undefined;
  signal?: AbortSignal | undefined;
}

/** What `up` did for one service. */
export interface ServiceUpResult {
  service: ServiceName;
  action: 'started' | 'reused';
  pid: number;
  endpoint: string;
  port: number;
  internalPort: number;
  version: string;
  /** Java the service runs on, e.g. "25 /usr/lib/jvm/temurin-25-jdk-amd64"; null when not known (reused from an older state file). */
  java: string | null;
  logFile: string;
  dataDir: string;
  /** Wall time from the start of `up` for this service (including any download) until healthy. */
  elapsedMs: number;
  /** Part of elapsedMs spent fetching the artifact (0 when it was cached). */
  fetchMs: number;
}

export interface UpResult {
  stateDir: string;
  cacheDir: string;
  endpoints: SandboxEndpoints;
  services: ServiceUpResult[];
}

export interface ServiceDownResult {
  service: ServiceName;
  /** stopped: SIGTERM sufficed; killed: needed SIGKILL; not-running: nothing of ours was alive. */
  action: 'stopped' | 'killed' | 'not-running';
  pid: number | null;
  purged: boolean;
}

export interface DownResult {
  stateDir: string;
  services: ServiceDownResult[];
}

export type ServiceRunState = 'running' | 'unhealthy' | 'stopped';

export interface ServiceStatus {
  service: ServiceName;
  status: ServiceRunState;
  pid: number | null;
  endpoint: string;
  port: number;
  version: string;
  /**
   * Java a running (or unhealthy) service runs on, "<major> <home>" as `up` reports it: recorded by
   * `up`, else read from the process itself; null when stopped or not known.
   */
  java: string | null;
  logFile: string;
  startedAt: string | null;
  /** Extra facts worth a glance: stale state file, port held by another process, ... */
  note: string | null;
}

export interface StatusResult {
  stateDir: string;
  cacheDir: string;
  services: ServiceStatus[];
}
