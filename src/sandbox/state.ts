import path from 'node:path';
import { DEFAULT_VERSIONS } from './artifacts.js';
import { searchEngineLogFileName } from './config-render.js';
import { isServiceName } from './types.js';
import type { SandboxOptions, ServiceName } from './types.js';

/**
 * The on-disk layout of the state dir and the per-service state file. Pure: paths are computed,
 * text is parsed and rendered; reading and writing happen elsewhere.
 *
 *   <stateDir>/sandbox.lock              held while up/down run
 *   <stateDir>/<service>/state.json      what up started (pid, ports, version, ...)
 *   <stateDir>/<service>/<service>.pid   the pid alone, for shell tools
 *   <stateDir>/<service>/data/           Kafka log dirs / search-engine path.data
 *   <stateDir>/<service>/logs/           main log + console.log (stdout/stderr of the process)
 *   <stateDir>/<service>/config/         Kafka server.properties and log4j2.properties
 *   <stateDir>/<service>/home/           runtime copy of the OpenSearch/Elasticsearch distribution
 */

export const CLUSTER_NAMES: Record<ServiceName, string> = {
  kafka: 'readmodel-sandbox',
  opensearch: 'readmodel-sandbox-opensearch',
  elasticsearch: 'readmodel-sandbox-elasticsearch',
};

export interface ServicePaths {
  dir: string;
  stateFile: string;
  pidFile: string;
  dataDir: string;
  logDir: string;
  /** The log to read first when something goes wrong. */
  logFile: string;
  /** stdout/stderr of the process. */
  consoleLog: string;
  configDir: string;
  /** Runtime copy of the distribution (search engines only; Kafka runs from the cache). */
  homeDir: string;
}

export function lockFile(stateDir: string): string {
  return path.join(stateDir, 'sandbox.lock');
}

export function servicePaths(stateDir: string, service: ServiceName): ServicePaths {
  const dir = path.join(stateDir, service);
  const logDir = path.join(dir, 'logs');
  const homeDir = path.join(dir, 'home');
  const logFile =
    service === 'kafka' ? path.join(logDir, 'server.log') : path.join(logDir, searchEngineLogFileName(CLUSTER_NAMES[service]));
  return {
    dir,
    stateFile: path.join(dir, 'state.json'),
    pidFile: path.join(dir, `${service}.pid`),
    dataDir: path.join(dir, 'data'),
    logDir,
    logFile,
    consoleLog: path.join(logDir, 'console.log'),
    configDir: service === 'kafka' ? path.join(dir, 'config') : path.join(homeDir, 'config'),
    homeDir,
  };
}

/** Written by up once the process is spawned; removed by down. */
export interface ServiceState {
  schema: 1;
  service: ServiceName;
  pid: number;
  /** Process start time from /proc/<pid>/stat (clock ticks since boot) to detect pid reuse; null off Linux. */
  procStart: string | null;
  port: number;
  internalPort: number;
  version: string;
  endpoint: string;
  logFile: string;
  dataDir: string;
  startedAt: string;
  /** User the process runs as, when it differs from ours. */
  user: string | null;
  /** "<major> <home>" of the Java it runs on; null in state files written before this was recorded. */
  java: string | null;
}

export function renderServiceState(state: ServiceState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535;
}

/**
 * Parses a state file; anything malformed (hand-edited, truncated, older schema, other service)
 * yields undefined, which callers treat as "nothing of ours recorded".
 */
export function parseServiceState(text: string, expected: ServiceName): ServiceState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.schema !== 1) return undefined;
  if (typeof r.service !== 'string' || !isServiceName(r.service) || r.service !== expected) return undefined;
  if (typeof r.pid !== 'number' || !Number.isInteger(r.pid) || r.pid <= 1) return undefined;
  if (!isPort(r.port) || !isPort(r.internalPort)) return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const version = str(r.version);
  const endpoint = str(r.endpoint);
  const logFile = str(r.logFile);
  const dataDir = str(r.dataDir);
  const startedAt = str(r.startedAt);
  if (!version || !endpoint || !logFile || !dataDir || !startedAt) return undefined;
  return {
    schema: 1,
    service: r.service,
    pid: r.pid,
    procStart: str(r.procStart) ?? null,
    port: r.port,
    internalPort: r.internalPort,
    version,
    endpoint,
    logFile,
    dataDir,
    startedAt,
    user: str(r.user) ?? null,
    java: str(r.java) ?? null,
  };
}

/** The version this sandbox's options ask for (the default when none was chosen). */
export function requestedVersion(options: Pick<SandboxOptions, 'versions'>, service: ServiceName): string {
  return options.versions?.[service] ?? DEFAULT_VERSIONS[service];
}

/**
 * Field 22 (starttime) of /proc/<pid>/stat. The command name (field 2) is parenthesised and may
 * itself contain spaces and parentheses, so fields are counted from the last ")".
 */
export function parseProcStatStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const start = rest[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One line of `getent passwd <name>` / /etc/passwd. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const parts = line.trim().split(':');
  if (parts.length < 7) return undefined;
  const [name, , uid, gid, , home, shell] = parts;
  if (!name || !uid || !gid || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '' };
}

/**
 * The Java home of a running JVM from its executable (the target of /proc/<pid>/exe), e.g.
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -> /usr/lib/jvm/temurin-25-jdk-amd64; undefined when
 * it is not a `<home>/bin/java` or was deleted since (a JDK upgraded under a running service).
 */
export function javaHomeOfExecutable(exe: string): string | undefined {
  if (exe.endsWith(' (deleted)')) return undefined;
  const bin = path.dirname(exe);
  if (path.basename(exe) !== 'java' || path.basename(bin) !== 'bin') return undefined;
  return path.dirname(bin);
}

/** Major version from a JDK `release` file (JAVA_VERSION="17.0.15") or `java -version` output. */
export function parseJavaMajorVersion(text: string): number | undefined {
  const m = /JAVA_VERSION="([^"]+)"/.exec(text) ?? /version "([^"]+)"/.exec(text);
  if (!m || m[1] === undefined) return undefined;
  const v = m[1];
  const legacy = /^1\.(\d+)/.exec(v);
  if (legacy?.[1] !== undefined) return Number(legacy[1]);
  const major = /^(\d+)/.exec(v);
  return major?.[1] !== undefined ? Number(major[1]) : undefined;
}

export interface PortOwner {
  command: string;
  pid: number;
}

/**
 * Who listens on a port, from `ss -Hltnp` output (lines like
 * `LISTEN 0 50 [::ffff:127.0.0.1]:19092 *:* users:(("java",pid=2367,fd=96))`).
 */
export function parseSsListeners(output: string, port: number): PortOwner[] {
  const owners: PortOwner[] = [];
  for (const line of output.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = cols.find((c, i) => i > 0 && /:\d+$/.test(c));
    if (!local || !local.endsWith(`:${port}`)) continue;
    for (const m of line.matchAll(/\("([^"]*)",pid=(\d+)/g)) {
      const command = m[1] ?? '';
      const pid = Number(m[2]);
      if (!owners.some((o) => o.pid === pid)) owners.push({ command, pid });
    }
  }
  return owners;
}

export interface DirEntryMode {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * First directory in a chain (root first) that a user cannot traverse (no x bit for them), or
 * undefined. Used to refuse a state dir under /root before the search engines fail obscurely.
 */
export function firstUntraversable(chain: readonly DirEntryMode[], user: { uid: number; gid: number }): DirEntryMode | undefined {
  if (user.uid === 0) return undefined;
  return chain.find((d) => {
    const bit = d.uid === user.uid ? 0o100 : d.gid === user.gid ? 0o010 : 0o001;
    return (d.mode & bit) === 0;
  });
}

/** Every ancestor of an absolute path, root first, including the path itself. */
export function ancestors(absPath: string): string[] {
  const out: string[] = [];
  let cur = path.resolve(absPath);
  for (;;) {
    out.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return out;
}

/** Last `n` non-empty lines of a log text. */
export function tailLines(text: string, n: number): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - n));
}

const ERROR_LINE = /\b(ERROR|FATAL|SEVERE)\b|Exception|^Error/;

/**
 * What to show from a log when a start failed: the error lines if there are any (the last `n`),
 * otherwise simply the last `n` lines.
 */
export function interestingLogLines(text: string, n: number): string[] {
  const lines = tailLines(text, 5000);
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  return errors.length > 0 ? errors.slice(-n) : lines.slice(-n);
}

/** True when Kafka's data dir has been formatted (KRaft writes meta.properties into each log dir). */
export const KAFKA_FORMATTED_MARKER = 'meta.properties';

const O_CLOEXEC = 0o2000000;

/** The `flags:` field (octal) of a /proc/<pid>/fdinfo/<fd> file. */
export function parseFdinfoFlags(text: string): number | undefined {
  const m = /^flags:\s*([0-7]+)\s*$/m.exec(text);
  return m?.[1] === undefined ? undefined : parseInt(m[1], 8);
}

/** Whether an fd with these flags survives exec (and so would leak into a spawned daemon). */
export function survivesExec(flags: number): boolean {
  return (flags & O_CLOEXEC) === 0;
}
