import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from '../core/errors.js';
import { isSameProcess, readProcStart } from './proc.js';
import { lockFile } from './state.js';
import type { SandboxProgress } from './types.js';

/**
 * A per-state-dir lock so two `up`/`down` runs (two terminals, two vitest projects) do not start the
 * same service twice. The lock file names its holder; a holder that is gone is ignored.
 */

interface LockHolder {
  pid: number;
  procStart: string | null;
  /** Distinguishes two holders in one process (e.g. two vitest projects' global setups). */
  token: string;
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof raw.pid !== 'number') return undefined;
    return {
      pid: raw.pid,
      procStart: typeof raw.procStart === 'string' ? raw.procStart : null,
      token: typeof raw.token === 'string' ? raw.token : '',
    };
  } catch {
    return undefined;
  }
}

export interface LockOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: SandboxProgress | undefined;
}

export async function withStateLock<T>(stateDir: string, o: LockOptions, fn: () => Promise<T>): Promise<T> {
  const file = lockFile(stateDir);
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    procStart: await readProcStart(process.pid),
    token: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + o.timeoutMs;
  let announced = false;
  let unreadableSince: number | undefined;
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (holder === undefined) {
      // Just created and not yet written, or garbage left by a crash: give it a moment.
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > 2000) await rm(file, { force: true });
      await sleep(50);
      continue;
    }
    unreadableSince = undefined;
    if (!(await isSameProcess(holder.pid, holder.procStart))) {
      // The holder died without releasing: take over. Two racers doing this at once are sorted out
      // by the exclusive create on the next iteration.
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new SandboxError(`another readmodel sandbox command (pid ${holder.pid}) is still working on ${stateDir}`, {
        context: { lockFile: file, holderPid: holder.pid },
        suggestion: 'wait for it to finish, or stop it; the lock frees itself when that process exits',
      });
    }
    if (!announced) {
      o.onProgress?.(null, `waiting for another sandbox command (pid ${holder.pid}) to finish`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    const holder = await readHolder(file);
    if (holder?.token === me.token) await rm(file, { force: true });
  }
}
