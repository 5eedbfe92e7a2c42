import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../core/errors.js';
import {
  kafkaClusterIdFromBytes,
  renderKafkaLog4j2,
  renderKafkaServerProperties,
  renderKafkaToolLog4j2,
  renderSearchEngineYml,
} from './config-render.js';
import type { SearchEngine } from './config-render.js';
import { assertReachableBy, chownRecursive, runCommand } from './host.js';
import type { JavaRuntime } from './java-select.js';
import { CLUSTER_NAMES, KAFKA_FORMATTED_MARKER, servicePaths, tailLines } from './state.js';
import type { PasswdEntry, ServicePaths } from './state.js';
import type { SandboxProgress, ServicePorts } from './types.js';

/**
 * Preparing a service's runtime dir (config files, storage format, runtime copy of a distribution,
 * ownership) and describing the command that starts it. Spawning happens in sandbox.ts.
 */

export interface LaunchPlan {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Run as this user (set only when we are root and the service refuses root). */
  runAs: PasswdEntry | null;
  paths: ServicePaths;
}

/** The environment children get: enough to run, nothing that changes JVM behaviour by accident. */
function baseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
  const out: NodeJS.ProcessEnv = {};
  for (const k of keep) if (env[k] !== undefined) out[k] = env[k];
  out.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export interface KafkaLaunchInput {
  stateDir: string;
  ports: ServicePorts;
  libsDir: string;
  java: JavaRuntime;
  heap: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  onProgress?: SandboxProgress | undefined;
}

export async function prepareKafka(i: KafkaLaunchInput): Promise<LaunchPlan> {
  const paths = servicePaths(i.stateDir, 'kafka');
  await Promise.all([paths.dataDir, paths.logDir, paths.configDir].map((d) => mkdir(d, { recursive: true })));
  const serverProps = path.join(paths.configDir, 'server.properties');
  const log4j = path.join(paths.configDir, 'log4j2.properties');
  await writeFile(
    serverProps,
    renderKafkaServerProperties({ port: i.ports.port, controllerPort: i.ports.internalPort, dataDir: paths.dataDir }),
  );
  await writeFile(log4j, renderKafkaLog4j2(paths.logDir));
  const toolLog4j = path.join(paths.configDir, 'log4j2-tools.properties');
  await writeFile(toolLog4j, renderKafkaToolLog4j2());
  const java = path.join(i.java.home, 'bin', 'java');
  const classpath = `${i.libsDir}/*`;
  const env = baseEnv(i.env);

  if (!(await exists(path.join(paths.dataDir, KAFKA_FORMATTED_MARKER)))) {
    let clusterId: string | undefined;
    while (clusterId === undefined) clusterId = kafkaClusterIdFromBytes(randomBytes(16));
    i.onProgress?.('kafka', `formatting KRaft storage in ${paths.dataDir} (cluster id ${clusterId})`);
    const args = [
      `-Dlog4j2.configurationFile=${toolLog4j}`,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      serverProps,
    ];
    const r = await runCommand(java, args, { cwd: paths.dir, env, signal: i.signal, timeoutMs: 120_000 });
    if (r.code !== 0) {
      throw new SandboxError('kafka: formatting the KRaft storage failed', {
        context: {
          service: 'kafka',
          command: `java ${args.join(' ')}`,
          exitCode: r.code,
          output: tailLines(`${r.stdout}\n${r.stderr}`.trim(), 20).join('\n'),
        },
        suggestion: `if ${paths.dataDir} holds data from another Kafka, wipe it with \`readmodel sandbox down --purge --only kafka\``,
      });
    }
  }

  return {
    command: java,
    args: [
      `-Xms${i.heap}`,
      `-Xmx${i.heap}`,
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      `-Dkafka.logs.dir=${paths.logDir}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      serverProps,
    ],
    cwd: paths.dir,
    env,
    runAs: null,
    paths,
  };
}

export interface SearchEngineLaunchInput {
  engine: SearchEngine;
  version: string;
  stateDir: string;
  ports: ServicePorts;
  /** Unpacked distribution in the cache. */
  distributionDir: string;
  java: JavaRuntime;
  heap: string;
  env: NodeJS.ProcessEnv;
  /** The unprivileged user to run as, when we are root. */
  runAs: PasswdEntry | null;
  onProgress?: SandboxProgress | undefined;
}

const HOME_MARKER = '.readmodel-home.json';

/**
 * The distribution is copied into the state dir (the cache may live under /root, which the service
 * user cannot enter, and the engine writes into its home: keystore, gc logs). The copy is reused
 * while its version matches.
 */
async function ensureRuntimeHome(i: SearchEngineLaunchInput, paths: ServicePaths): Promise<void> {
  const markerPath = path.join(paths.homeDir, HOME_MARKER);
  try {
    const m = JSON.parse(await readFile(markerPath, 'utf8')) as { version?: unknown };
    if (m.version === i.version) return;
  } catch {
    /* missing or unreadable: (re)copy */
  }
  i.onProgress?.(i.engine, `copying ${i.engine} ${i.version} into ${paths.homeDir}`);
  await rm(paths.homeDir, { recursive: true, force: true });
  await cp(i.distributionDir, paths.homeDir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  await writeFile(markerPath, `${JSON.stringify({ version: i.version, copiedAt: new Date().toISOString() })}\n`);
}

export async function prepareSearchEngine(i: SearchEngineLaunchInput): Promise<LaunchPlan> {
  const service = i.engine;
  const paths = servicePaths(i.stateDir, service);
  await mkdir(paths.dir, { recursive: true });
  if (i.runAs) await assertReachableBy(paths.dir, i.runAs, 'state dir');
  await ensureRuntimeHome(i, paths);
  // The launchers otherwise leave a fresh temp dir in /tmp on every start.
  const tmpDir = path.join(paths.dir, 'tmp');
  await rm(tmpDir, { recursive: true, force: true });
  await Promise.all([paths.dataDir, paths.logDir, tmpDir].map((d) => mkdir(d, { recursive: true })));
  await writeFile(
    path.join(paths.configDir, `${service}.yml`),
    renderSearchEngineYml({
      engine: service,
      clusterName: CLUSTER_NAMES[service],
      nodeName: `${service}-1`,
      httpPort: i.ports.port,
      transportPort: i.ports.internalPort,
      dataDir: paths.dataDir,
      logDir: paths.logDir,
    }),
  );
  // Created now so the chown below hands it to the service user as well.
  await writeFile(paths.consoleLog, '', { flag: 'a' });
  if (i.runAs) await chownRecursive(paths.dir, i.runAs, i.env);

  const prefix = service === 'opensearch' ? 'OPENSEARCH' : 'ES';
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(i.env),
    HOME: paths.dir,
    TMPDIR: tmpDir,
    [`${prefix}_TMPDIR`]: tmpDir,
    // Elasticsearch's launcher helper JVMs ignore ES_TMPDIR and would still leave "final-flags*"
    // dirs in /tmp; their options come from CLI_JAVA_OPTS. (OpenSearch's launcher leaves none.)
    ...(service === 'elasticsearch' ? { CLI_JAVA_OPTS: `-Djava.io.tmpdir=${tmpDir}` } : {}),
    [`${prefix}_JAVA_HOME`]: i.java.home,
    [`${prefix}_JAVA_OPTS`]: `-Xms${i.heap} -Xmx${i.heap}`,
  };
  return {
    command: path.join(paths.homeDir, 'bin', service),
    args: [],
    cwd: paths.homeDir,
    env,
    runAs: i.runAs,
    paths,
  };
}
