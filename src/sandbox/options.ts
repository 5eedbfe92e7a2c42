import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { supportedMajors, versionMajor } from '../core/support-matrix.js';
import { DEFAULT_VERSIONS, OLDEST_VERSIONS } from './artifacts.js';
import { serviceJavaHomeEnv, serviceVersionEnv } from './java-select.js';
import { SERVICE_NAMES, isServiceName } from './types.js';
import type { SandboxEndpoints, SandboxOptions, SandboxPorts, ServiceName } from './types.js';

/**
 * Turning flags and environment into SandboxOptions. Pure: the caller passes env, home dir and uid.
 */

export const DEFAULT_PORTS: SandboxPorts = {
  kafka: { port: 19092, internalPort: 19093 },
  opensearch: { port: 19200, internalPort: 19300 },
  elasticsearch: { port: 19201, internalPort: 19301 },
};

const KAFKA_CONTROLLER_OFFSET = 1;
const TRANSPORT_OFFSET = 100;

// OpenSearch 3 and Elasticsearch 9 took up to 130 s to become healthy on a loaded 2-core machine.
export const DEFAULT_START_TIMEOUT_SECONDS = 300;
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
export const DEFAULT_HEAP = '512m';
export const DEFAULT_SERVICE_USER = 'readmodel';
/** Default state dir when running as root: somewhere the unprivileged service user can reach. */
export const ROOT_STATE_DIR = '/var/tmp/readmodel-sandbox';

export const ENV = {
  stateDir: 'READMODEL_SANDBOX_DIR',
  cacheDir: 'READMODEL_CACHE_DIR',
  kafkaPort: 'READMODEL_SANDBOX_KAFKA_PORT',
  kafkaControllerPort: 'READMODEL_SANDBOX_KAFKA_CONTROLLER_PORT',
  opensearchPort: 'READMODEL_SANDBOX_OPENSEARCH_PORT',
  opensearchTransportPort: 'READMODEL_SANDBOX_OPENSEARCH_TRANSPORT_PORT',
  elasticsearchPort: 'READMODEL_SANDBOX_ELASTICSEARCH_PORT',
  elasticsearchTransportPort: 'READMODEL_SANDBOX_ELASTICSEARCH_TRANSPORT_PORT',
  timeout: 'READMODEL_SANDBOX_TIMEOUT',
  heap: 'READMODEL_SANDBOX_HEAP',
  user: 'READMODEL_SANDBOX_USER',
  javaHome: 'READMODEL_SANDBOX_JAVA_HOME',
  versions: 'READMODEL_SANDBOX_VERSIONS',
} as const;

export const VERSION_PRESETS = { default: DEFAULT_VERSIONS, oldest: OLDEST_VERSIONS } as const;
export type VersionPreset = keyof typeof VERSION_PRESETS;

/** Flag values as commander hands them over (strings; absent when not given). */
export interface SandboxFlags {
  only?: string | undefined;
  kafkaPort?: string | undefined;
  opensearchPort?: string | undefined;
  elasticsearchPort?: string | undefined;
  timeout?: string | undefined;
  stateDir?: string | undefined;
  cacheDir?: string | undefined;
  /** A preset for all services: default (current engines) or oldest (oldest supported). */
  versions?: string | undefined;
  kafkaVersion?: string | undefined;
  opensearchVersion?: string | undefined;
  elasticsearchVersion?: string | undefined;
}

export interface ResolveInput {
  flags?: SandboxFlags;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Effective uid; 0 selects the root defaults (state under /var/tmp, service user). */
  uid: number;
  cwd?: string;
}

export interface ResolvedSandboxOptions extends SandboxOptions {
  /** The services the command acts on (from --only; all by default). */
  services: ServiceName[];
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function parsePort(raw: string, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`invalid port for ${what}: "${raw}"`, {
      context: { [what]: raw },
      suggestion: 'use an integer between 1 and 65535 (ports below 1024 need root; prefer 10000-32767, below the kernel ephemeral range)',
    });
  }
  return n;
}

export function parseTimeoutSeconds(raw: string, what = '--timeout'): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`invalid ${what}: "${raw}"`, { suggestion: 'give a positive number of seconds, e.g. 300' });
  }
  return n;
}

/** "kafka,opensearch" -> ['kafka','opensearch'] in canonical order; rejects unknown names. */
export function parseServiceList(raw: string | undefined): ServiceName[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'all') return [...SERVICE_NAMES];
  const wanted = new Set<ServiceName>();
  for (const part of raw.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    const alias = name === 'os' ? 'opensearch' : name === 'es' ? 'elasticsearch' : name;
    if (!isServiceName(alias)) {
      throw new UsageError(`unknown sandbox service "${part.trim()}"`, {
        context: { only: raw },
        suggestion: `choose from ${SERVICE_NAMES.join(', ')} (comma separated)`,
      });
    }
    wanted.add(alias);
  }
  if (wanted.size === 0) return [...SERVICE_NAMES];
  return SERVICE_NAMES.filter((s) => wanted.has(s));
}

export function parseHeap(raw: string): string {
  if (!/^\d+[mMgG]$/.test(raw.trim())) {
    throw new UsageError(`invalid heap size "${raw}"`, { suggestion: 'use a JVM size such as 512m or 1g' });
  }
  return raw.trim();
}

export function defaultStateDir(env: NodeJS.ProcessEnv, homeDir: string, uid: number): string {
  if (uid === 0) return ROOT_STATE_DIR;
  const xdg = nonEmpty(env.XDG_STATE_HOME);
  return path.join(xdg ?? path.join(homeDir, '.local', 'state'), 'readmodel', 'sandbox');
}

export function defaultCacheDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  return path.join(xdg ?? path.join(homeDir, '.cache'), 'readmodel');
}

/**
 * Ports: flag > env > default for the client port. The internal port follows the client port
 * (Kafka controller = port + 1, transport = port + 100) unless its own env variable is set, so
 * moving a service with one flag moves it entirely.
 */
export function resolvePorts(flags: SandboxFlags, env: NodeJS.ProcessEnv): SandboxPorts {
  const pick = (flag: string | undefined, envName: string, def: number, what: string): number => {
    const f = nonEmpty(flag);
    if (f !== undefined) return parsePort(f, what);
    const e = nonEmpty(env[envName]);
    if (e !== undefined) return parsePort(e, envName);
    return def;
  };
  const derived = (envName: string, base: number, offset: number): number => {
    const e = nonEmpty(env[envName]);
    if (e !== undefined) return parsePort(e, envName);
    return base + offset;
  };
  const kafka = pick(flags.kafkaPort, ENV.kafkaPort, DEFAULT_PORTS.kafka.port, '--kafka-port');
  const os = pick(flags.opensearchPort, ENV.opensearchPort, DEFAULT_PORTS.opensearch.port, '--opensearch-port');
  const es = pick(flags.elasticsearchPort, ENV.elasticsearchPort, DEFAULT_PORTS.elasticsearch.port, '--elasticsearch-port');
  const ports: SandboxPorts = {
    kafka: { port: kafka, internalPort: derived(ENV.kafkaControllerPort, kafka, KAFKA_CONTROLLER_OFFSET) },
    opensearch: { port: os, internalPort: derived(ENV.opensearchTransportPort, os, TRANSPORT_OFFSET) },
    elasticsearch: { port: es, internalPort: derived(ENV.elasticsearchTransportPort, es, TRANSPORT_OFFSET) },
  };
  assertDistinctPorts(ports);
  return ports;
}

/** All six ports must differ (services run side by side); a clash is a usage error, not a runtime one. */
export function assertDistinctPorts(ports: SandboxPorts): void {
  const seen = new Map<number, string>();
  for (const name of SERVICE_NAMES) {
    const p = ports[name];
    for (const [label, port] of [
      [`${name} port`, p.port],
      [`${name} ${name === 'kafka' ? 'controller' : 'transport'} port`, p.internalPort],
    ] as const) {
      if (port < 1 || port > 65535) throw new UsageError(`${label} ${port} is out of range`);
      const other = seen.get(port);
      if (other !== undefined) {
        throw new UsageError(`${label} and ${other} are both ${port}`, {
          context: { ports },
          suggestion: 'give each service its own ports (flags --kafka-port/--opensearch-port/--elasticsearch-port)',
        });
      }
      seen.set(port, label);
    }
  }
}

function parsePreset(raw: string, what: string): VersionPreset {
  const v = raw.trim().toLowerCase();
  if (v === 'default' || v === 'oldest') return v;
  throw new UsageError(`invalid ${what}: "${raw}"`, {
    suggestion: 'use "default" (current engines) or "oldest" (oldest supported versions)',
  });
}

/** A version the sandbox can fetch and knows the Java for: major.minor.patch of a supported major. */
export function parseServiceVersion(service: ServiceName, raw: string, what: string): string {
  const v = raw.trim();
  const major = versionMajor(v);
  const majors = supportedMajors(service);
  if (major === undefined || !majors.includes(major)) {
    throw new UsageError(`unsupported ${service} version for ${what}: "${raw}"`, {
      context: { [what]: raw, supported: majors.map((m) => `${m}.x`).join(', ') },
      suggestion: `give a full version of a supported major (${majors.map((m) => `${m}.x.y`).join(' or ')}), e.g. ${DEFAULT_VERSIONS[service]} or ${OLDEST_VERSIONS[service]}`,
    });
  }
  return v;
}

/** Versions: per-service flag > per-service env > preset (flag > env) > defaults. */
export function resolveVersions(flags: SandboxFlags, env: NodeJS.ProcessEnv): Record<ServiceName, string> {
  const presetFlag = nonEmpty(flags.versions);
  const presetEnv = nonEmpty(env[ENV.versions]);
  const preset =
    presetFlag !== undefined
      ? parsePreset(presetFlag, '--versions')
      : presetEnv !== undefined
        ? parsePreset(presetEnv, ENV.versions)
        : 'default';
  const perFlag: Record<ServiceName, string | undefined> = {
    kafka: flags.kafkaVersion,
    opensearch: flags.opensearchVersion,
    elasticsearch: flags.elasticsearchVersion,
  };
  const out = { ...VERSION_PRESETS[preset] };
  for (const s of SERVICE_NAMES) {
    const f = nonEmpty(perFlag[s]);
    const e = nonEmpty(env[serviceVersionEnv(s)]);
    if (f !== undefined) out[s] = parseServiceVersion(s, f, `--${s}-version`);
    else if (e !== undefined) out[s] = parseServiceVersion(s, e, serviceVersionEnv(s));
  }
  return out;
}

/** Per-service Java homes from READMODEL_SANDBOX_<SERVICE>_JAVA_HOME. */
export function resolveServiceJavaHomes(env: NodeJS.ProcessEnv): Partial<Record<ServiceName, string>> {
  const out: Partial<Record<ServiceName, string>> = {};
  for (const s of SERVICE_NAMES) {
    const v = nonEmpty(env[serviceJavaHomeEnv(s)]);
    if (v !== undefined) out[s] = v;
  }
  return out;
}

export function resolveSandboxOptions(input: ResolveInput): ResolvedSandboxOptions {
  const flags = input.flags ?? {};
  const env = input.env;
  const cwd = input.cwd ?? process.cwd();
  const stateDir = path.resolve(
    cwd,
    nonEmpty(flags.stateDir) ?? nonEmpty(env[ENV.stateDir]) ?? defaultStateDir(env, input.homeDir, input.uid),
  );
  const cacheDir = path.resolve(cwd, nonEmpty(flags.cacheDir) ?? nonEmpty(env[ENV.cacheDir]) ?? defaultCacheDir(env, input.homeDir));
  const timeoutRaw = nonEmpty(flags.timeout);
  const envTimeout = nonEmpty(env[ENV.timeout]);
  const startTimeoutSeconds =
    timeoutRaw !== undefined
      ? parseTimeoutSeconds(timeoutRaw)
      : envTimeout !== undefined
        ? parseTimeoutSeconds(envTimeout, ENV.timeout)
        : DEFAULT_START_TIMEOUT_SECONDS;
  const heapRaw = nonEmpty(env[ENV.heap]);
  return {
    services: parseServiceList(flags.only),
    stateDir,
    cacheDir,
    ports: resolvePorts(flags, env),
    startTimeoutMs: Math.round(startTimeoutSeconds * 1000),
    stopTimeoutMs: DEFAULT_STOP_TIMEOUT_SECONDS * 1000,
    heap: heapRaw === undefined ? DEFAULT_HEAP : parseHeap(heapRaw),
    serviceUser: nonEmpty(env[ENV.user]) ?? DEFAULT_SERVICE_USER,
    javaHome: nonEmpty(env[ENV.javaHome]),
    serviceJavaHomes: resolveServiceJavaHomes(env),
    versions: resolveVersions(flags, env),
    env,
  };
}

export function serviceEndpoint(service: ServiceName, port: number): string {
  return service === 'kafka' ? `127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
}

export function sandboxEndpoints(ports: SandboxPorts): SandboxEndpoints {
  return {
    kafkaBrokers: serviceEndpoint('kafka', ports.kafka.port),
    opensearchUrl: serviceEndpoint('opensearch', ports.opensearch.port),
    elasticsearchUrl: serviceEndpoint('elasticsearch', ports.elasticsearch.port),
  };
}
