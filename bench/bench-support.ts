import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/readmodel.js');

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  // An empty value is a value (`--shard-workers ''` runs no sharded row), not a missing one.
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1]!;
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (clock ticks of 1/100 s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const ENGINE_MAIN_CLASS = /org\.(elasticsearch|opensearch)\.bootstrap/;

/** CPU seconds used so far by the local search engines' JVMs (Linux /proc), by engine; empty when none is found. */
function engineCpuSeconds(): Partial<Record<'elasticsearch' | 'opensearch', number>> {
  const out: Partial<Record<'elasticsearch' | 'opensearch', number>> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const m = ENGINE_MAIN_CLASS.exec(cmdline);
    const cpu = m ? cpuSeconds(Number(entry)) : undefined;
    if (m && cpu !== undefined) out[m[1] as 'elasticsearch'] = (out[m[1] as 'elasticsearch'] ?? 0) + cpu;
  }
  return out;
}

/** Runs `work` and returns its result with the CPU seconds the engine's JVM used meanwhile (undefined: not a local JVM). */
export async function withEngineCpu<T>(engine: 'elasticsearch' | 'opensearch', work: () => Promise<T>): Promise<[T, number | undefined]> {
  const before = engineCpuSeconds()[engine];
  const result = await work();
  const after = engineCpuSeconds()[engine];
  return [result, before !== undefined && after !== undefined ? after - before : undefined];
}

/**
 * Runs the built CLI as a child and samples its peak resident memory (VmHWM) and CPU time until it
 * exits (the CPU time is the last sample's, at most 50 ms short).
 */
export function runCliMeasured(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number; peakRssMb: number; cpuSeconds: number }>(
    (resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: opts.cwd ?? ROOT,
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const sampling = sampleProcess(child.pid!);
      child.on('close', (code) => {
        resolve({ code, stdout, stderr, wallMs: performance.now() - started, ...sampling.stop() });
      });
    },
  );
}

/** Samples a process's peak resident memory (VmHWM) and CPU seconds every 50 ms until stopped. */
export function sampleProcess(pid: number): { stop(): { peakRssMb: number; cpuSeconds: number } } {
  let peakKb = 0;
  let cpu = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
      cpu = cpuSeconds(pid) ?? cpu;
    } catch {
      // the process is gone
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { peakRssMb: Math.round(peakKb / 1024), cpuSeconds: cpu };
    },
  };
}

export function helpLatencyMs(runs = 7): { medianMs: number; maxMs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  return { medianMs: Math.round(median(times, (t) => t)), maxMs: Math.round(Math.max(...times)) };
}

/** The middle element by `key` (the upper one of an even count). */
export function median<T>(items: readonly T[], key: (item: T) => number): T {
  return [...items].sort((x, y) => key(x) - key(y))[Math.floor(items.length / 2)]!;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
