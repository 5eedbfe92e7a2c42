import { readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { javaHomeOfExecutable, parseFdinfoFlags, parseJavaMajorVersion, parseProcStatStartTime, survivesExec } from './state.js';

/**
 * Process liveness, identity and group termination. Services are spawned detached, so each is the
 * leader of its own process group (pgid = pid) and every JVM it forks (Elasticsearch's launcher
 * starts the server JVM as a child) is stopped with it.
 */

async function readStat(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Start time of a process (Linux /proc), or null when /proc is not available or it is gone. */
export async function readProcStart(pid: number): Promise<string | null> {
  const stat = await readStat(pid);
  return stat === undefined ? null : (parseProcStatStartTime(stat) ?? null);
}

function signalOk(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone we may not signal. Still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  if (!signalOk(pid, 0)) return false;
  const stat = await readStat(pid);
  if (stat === undefined) return true; // no /proc: trust kill(0)
  const state = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/)[0];
  return state !== 'Z' && state !== 'X';
}

export function isGroupAlive(pgid: number): boolean {
  return signalOk(-pgid, 0);
}

/**
 * Whether `pid` is still the process we started: alive, and (where /proc exists) with the same
 * start time, so a recycled pid is never mistaken for ours.
 */
export async function isSameProcess(pid: number, procStart: string | null): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  if (procStart === null) return true;
  const now = await readProcStart(pid);
  return now === null || now === procStart;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    try {
      process.kill(pgid, sig);
    } catch {
      /* already gone */
    }
  }
}

async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isGroupAlive(pgid) && !(await isAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running';

/** SIGTERM the group, wait up to `timeoutMs`, then SIGKILL it and wait for it to go. */
export async function stopProcessGroup(pgid: number, timeoutMs: number): Promise<StopOutcome> {
  if (!isGroupAlive(pgid) && !(await isAlive(pgid))) return 'not-running';
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, timeoutMs)) return 'stopped';
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 10_000);
  return 'killed';
}

/**
 * File descriptors above stdio that this process inherited without close-on-exec. A spawned child
 * inherits them too; for a long-lived daemon that means it keeps, say, the pipe of whoever ran
 * `readmodel sandbox up` open, and that caller then waits for EOF until the services stop. Linux
 * only (/proc); elsewhere an empty list.
 */
export async function inheritableFds(): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      const flags = parseFdinfoFlags(await readFile(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags !== undefined && survivesExec(flags)) out.push(fd);
    } catch {
      /* closed meanwhile (e.g. the fd readdir itself used) */
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * "<major> <home>" of the Java a process runs on, read from the process (Linux /proc) and the home's
 * `release` file; undefined when either cannot be read (no /proc, another user's process, no release).
 */
export async function javaOfProcess(pid: number): Promise<string | undefined> {
  try {
    const home = javaHomeOfExecutable(await readlink(`/proc/${pid}/exe`));
    if (!home) return undefined;
    const major = parseJavaMajorVersion(await readFile(path.join(home, 'release'), 'utf8'));
    return major === undefined ? undefined : `${major} ${home}`;
  } catch {
    return undefined;
  }
}
