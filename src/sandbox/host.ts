import { spawn } from 'node:child_process';
import { access, constants, readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../core/errors.js';
import { ancestors, firstUntraversable, parseJavaMajorVersion, parsePasswdLine, tailLines } from './state.js';
import type { DirEntryMode, PasswdEntry } from './state.js';
import { chooseJava, dedupeCandidates, orderScanned, serviceJavaHomeEnv } from './java-select.js';
import type { JavaCandidate, JavaRuntime } from './java-select.js';
import type { SandboxProgress, ServiceName } from './types.js';

/**
 * Facts about (and small changes to) the host: running a command, finding Java, the service user.
 */

export interface CommandResult {
  /** null when the process could not be started or was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when spawning failed (e.g. ENOENT: command not installed). */
  spawnError?: NodeJS.ErrnoException;
}

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

/** Runs a command to completion, capturing its output. Never throws for a failing command. */
export function runCommand(command: string, args: readonly string[], o: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (r: CommandResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(r);
    };
    // Not spawn()'s own `timeout` option: when the spawn itself fails (ENOENT) Node leaves that
    // timer armed, which kept the CLI alive for the whole timeout after reporting the error.
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (o.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
      timer.unref();
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => done({ code: null, stdout, stderr, spawnError: err }));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH that is an executable file. */
export async function which(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Where the sandbox looks for JDKs when neither an override nor JAVA_HOME/PATH fits. */
export const JVM_DIR = '/usr/lib/jvm';

async function readJavaMajor(home: string, env: NodeJS.ProcessEnv, askBinary: boolean): Promise<number | undefined> {
  try {
    const major = parseJavaMajorVersion(await readFile(path.join(home, 'release'), 'utf8'));
    if (major !== undefined) return major;
  } catch {
    // No release file (some distributions): ask the binary.
  }
  if (!askBinary) return undefined;
  const r = await runCommand(path.join(home, 'bin', 'java'), ['-version'], { env, timeoutMs: 20_000 });
  return parseJavaMajorVersion(`${r.stderr}\n${r.stdout}`);
}

/** A home the operator named: it must hold an executable bin/java (its version is judged later). */
async function explicitCandidate(home: string, source: string, env: NodeJS.ProcessEnv): Promise<JavaCandidate> {
  if (!(await isExecutable(path.join(home, 'bin', 'java')))) {
    throw new SandboxError(`${source}=${home} has no executable bin/java`, {
      context: { javaHome: home, source },
      suggestion: `point ${source} at a JDK home (the directory holding bin/java), or unset it`,
    });
  }
  return { home, major: await readJavaMajor(home, env, true), source, explicit: true };
}

async function ambientCandidate(
  home: string,
  source: string,
  env: NodeJS.ProcessEnv,
  askBinary: boolean,
): Promise<JavaCandidate | undefined> {
  if (!(await isExecutable(path.join(home, 'bin', 'java')))) return undefined;
  let real = home;
  try {
    real = await realpath(home);
  } catch {
    /* keep as given */
  }
  return { home: real, major: await readJavaMajor(real, env, askBinary), source, explicit: false };
}

/**
 * Java homes found without being named: JAVA_HOME, the `java` on PATH (/usr/bin/java ->
 * /usr/lib/jvm/java-17-openjdk-amd64/bin/java -> that home), then every JDK under /usr/lib/jvm
 * (newest first), each with the major read from its `release` file.
 */
export async function discoverJavaHomes(env: NodeJS.ProcessEnv, jvmDir = JVM_DIR): Promise<JavaCandidate[]> {
  const found: JavaCandidate[] = [];
  const javaHome = env.JAVA_HOME?.trim();
  if (javaHome) {
    const c = await ambientCandidate(javaHome, 'JAVA_HOME', env, true);
    if (c) found.push(c);
  }
  const onPath = await which('java', env);
  if (onPath !== undefined) {
    try {
      const c = await ambientCandidate(path.dirname(path.dirname(await realpath(onPath))), 'PATH', env, true);
      if (c) found.push(c);
    } catch {
      /* a dangling alternatives link: nothing on PATH */
    }
  }
  let entries: string[] = [];
  try {
    entries = await readdir(jvmDir);
  } catch {
    /* no such dir: nothing to scan */
  }
  const scanned: JavaCandidate[] = [];
  for (const name of entries.sort()) {
    const c = await ambientCandidate(path.join(jvmDir, name), jvmDir, env, false);
    if (c && c.major !== undefined) scanned.push(c);
  }
  return dedupeCandidates([...found, ...orderScanned(scanned)]);
}

export interface ServiceJavaInput {
  service: ServiceName;
  version: string;
  /** READMODEL_SANDBOX_<SERVICE>_JAVA_HOME */
  serviceHome?: string | undefined;
  /** READMODEL_SANDBOX_JAVA_HOME (all services) */
  allHome?: string | undefined;
  env: NodeJS.ProcessEnv;
  discovered: () => Promise<JavaCandidate[]>;
}

/** The Java home one service runs on: its override, else the sandbox-wide one, else the first discovered that fits. */
export async function resolveServiceJava(i: ServiceJavaInput): Promise<JavaRuntime> {
  if (i.serviceHome !== undefined) {
    return chooseJava(i.service, i.version, [await explicitCandidate(i.serviceHome, serviceJavaHomeEnv(i.service), i.env)]);
  }
  if (i.allHome !== undefined) {
    return chooseJava(i.service, i.version, [await explicitCandidate(i.allHome, 'READMODEL_SANDBOX_JAVA_HOME', i.env)]);
  }
  return chooseJava(i.service, i.version, await i.discovered());
}

export async function lookupUser(name: string, env: NodeJS.ProcessEnv): Promise<PasswdEntry | undefined> {
  const r = await runCommand('getent', ['passwd', name], { env });
  if (r.code === 0) return parsePasswdLine(r.stdout.split('\n')[0] ?? '');
  if (r.spawnError) {
    // No getent (minimal images): read the file.
    try {
      const text = await readFile('/etc/passwd', 'utf8');
      for (const line of text.split('\n')) {
        const e = parsePasswdLine(line);
        if (e?.name === name) return e;
      }
    } catch {
      /* fall through */
    }
  }
  return undefined;
}

/**
 * Makes sure the unprivileged system user exists (creating it when missing: a fresh CI machine
 * has none) and returns its uid/gid. Only called when we are root.
 */
export async function ensureServiceUser(name: string, env: NodeJS.ProcessEnv, progress: SandboxProgress | undefined): Promise<PasswdEntry> {
  const existing = await lookupUser(name, env);
  if (existing) return existing;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(name)) {
    throw new SandboxError(`invalid service user name "${name}"`, {
      suggestion: 'set READMODEL_SANDBOX_USER to a plain lowercase user name',
    });
  }
  progress?.(null, `creating system user "${name}" (OpenSearch and Elasticsearch refuse to run as root)`);
  const shell = (await isExecutable('/usr/sbin/nologin')) ? '/usr/sbin/nologin' : '/bin/false';
  const r = await runCommand('useradd', ['--system', '--no-create-home', '--shell', shell, name], { env });
  const created = await lookupUser(name, env); // also covers a concurrent creation (useradd exit 9)
  if (created) return created;
  throw new SandboxError(`could not create the system user "${name}"`, {
    context: {
      command: `useradd --system --no-create-home --shell ${shell} ${name}`,
      exitCode: r.code,
      output: tailLines(`${r.stdout}${r.stderr}${r.spawnError?.message ?? ''}`, 10).join('\n'),
    },
    suggestion: `create it by hand (useradd --system --no-create-home ${name}) or set READMODEL_SANDBOX_USER to an existing unprivileged user`,
  });
}

/** Refuses a directory the service user cannot reach (e.g. anything under /root, which is 0700). */
export async function assertReachableBy(dir: string, user: PasswdEntry, what: string): Promise<void> {
  const chain: DirEntryMode[] = [];
  for (const p of ancestors(dir)) {
    try {
      const s = await stat(p);
      chain.push({ path: p, mode: s.mode, uid: s.uid, gid: s.gid });
    } catch {
      break; // not created yet: it will be created by us with sane modes
    }
  }
  const blocked = firstUntraversable(chain, user);
  if (blocked) {
    throw new SandboxError(`${what} ${dir} is not reachable by the service user "${user.name}"`, {
      context: { blockedAt: blocked.path, mode: (blocked.mode & 0o777).toString(8) },
      suggestion: `use a state dir outside ${blocked.path}, e.g. READMODEL_SANDBOX_DIR=/var/tmp/readmodel-sandbox`,
    });
  }
}

/** chown -R, used on the search engines' runtime dirs so the service user owns them. */
export async function chownRecursive(dir: string, user: PasswdEntry, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, dir], { env });
  if (r.code !== 0) {
    throw new SandboxError(`could not hand ${dir} over to user "${user.name}"`, {
      context: { exitCode: r.code, output: `${r.stderr}${r.spawnError?.message ?? ''}`.trim() },
    });
  }
}
