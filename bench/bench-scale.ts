// Bench rows for resumable and sharded rebuilds (issue 13, items 4-6): the cost of a rebuild killed
// at 50% and resumed, against an uninterrupted one; and 1, 2, 3 shard workers plus the seal.
import { spawn } from 'node:child_process';
import { createSearchSink } from '../src/adapters/search/create-search-sink.js';
import { deleteCheckpoints } from '../src/app/checkpoint-store.js';
import type { EngineKind } from '../src/core/ports/search-sink.js';
import { BIN, fmt, runCliMeasured } from './bench-support.js';

type Log = (s: string) => void;
type Workspace = (engine: EngineKind, topic: string, indexBase: string) => string;

/** Deletes the bench's own earlier builds of one index base (and their checkpoints), so a run starts fresh. */
export async function clearBase(engine: EngineKind, node: string, indexBase: string) {
  const sink = createSearchSink({ engine, node });
  try {
    for (const i of await sink.listIndices(`${indexBase}_v*`)) {
      await sink.deleteIndex(i.name);
      await deleteCheckpoints(sink, i.name);
    }
  } finally {
    await sink.close();
  }
}

/** Runs the CLI and SIGKILLs it once its NDJSON progress shows `atLeast` events read; returns the wall time. */
function runUntilKilled(args: string[], cwd: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let buffer = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) {
        if (killed || !l.startsWith('{')) continue;
        const e = JSON.parse(l) as { type?: string; counters?: { eventsRead: number } };
        if (e.type === 'progress' && (e.counters?.eventsRead ?? 0) >= atLeast) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(performance.now() - started);
      else reject(new Error(`the rebuild ended (code ${code}) before it reached ${atLeast} events`));
    });
  });
}

/** Kill at 50%, resume with the same command: total wall against the uninterrupted run's. */
export async function benchResume(
  o: { engine: EngineKind; node: string; topic: string; events: number; uninterruptedMs: number; checksum: string },
  workspace: Workspace,
  log: Log,
) {
  const indexBase = `bench_resume_${o.engine.slice(0, 2)}`;
  await clearBase(o.engine, o.node, indexBase);
  const cwd = workspace(o.engine, o.topic, indexBase);
  const args = ['rebuild', 'product-search', '--json', '--replicas', '0'];
  const firstMs = await runUntilKilled(args, cwd, Math.floor(o.events / 2));
  const r = await runCliMeasured(args, { cwd });
  if (r.code !== 0) throw new Error(`resumed rebuild failed (${r.code}): ${r.stdout}\n${r.stderr.slice(-2000)}`);
  const m = JSON.parse(r.stdout).manifest;
  const totalMs = firstMs + r.wallMs;
  const same = m.checksum === o.checksum;
  log(
    `(d) resume: killed at 50% after ${fmt(firstMs / 1000, 1)} s, resumed in ${fmt(r.wallMs / 1000, 1)} s: total ${fmt(totalMs / 1000, 1)} s = ` +
      `${fmt(totalMs / o.uninterruptedMs, 2)}x the uninterrupted run (goal <= 1.1x); checksum ${same ? 'identical' : `DIFFERS (${m.checksum})`}`,
  );
  return {
    resumeFirstSeconds: firstMs / 1000,
    resumeSecondSeconds: r.wallMs / 1000,
    resumeOverUninterrupted: totalMs / o.uninterruptedMs,
    resumeSameChecksum: same,
  };
}

/** N shard workers at once on this machine, then the seal: wall time and each worker's throughput. */
export async function benchShards(
  o: { engine: EngineKind; node: string; topic: string; events: number; checksum: string; workers: readonly number[] },
  workspace: Workspace,
  log: Log,
) {
  const rows: Record<string, unknown>[] = [];
  for (const n of o.workers) {
    const indexBase = `bench_sh${n}_${o.engine.slice(0, 2)}`;
    await clearBase(o.engine, o.node, indexBase);
    const cwd = workspace(o.engine, o.topic, indexBase);
    const started = performance.now();
    const workers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        runCliMeasured(['rebuild', 'product-search', '--shard', `${i}/${n}`, '--json', '--replicas', '0'], { cwd }),
      ),
    );
    const shardsMs = performance.now() - started;
    for (const w of workers) if (w.code !== 0) throw new Error(`shard failed (${w.code}): ${w.stdout}\n${w.stderr.slice(-2000)}`);
    const seal = await runCliMeasured(['rebuild', 'product-search', '--seal', '--json', '--replicas', '0'], { cwd });
    if (seal.code !== 0) throw new Error(`seal failed (${seal.code}): ${seal.stdout}`);
    const m = JSON.parse(seal.stdout).manifest;
    const perWorker = workers.map((w) => JSON.parse(w.stdout).shard.counters.eventsRead / (w.wallMs / 1000));
    const wallMs = shardsMs + seal.wallMs;
    log(
      `(e) sharded, ${n} worker(s): ${fmt(wallMs / 1000, 1)} s wall (seal ${fmt(seal.wallMs / 1000, 1)} s), ${fmt(o.events / (wallMs / 1000))} events/s overall; ` +
        `per worker ${perWorker.map((r) => fmt(r)).join(' / ')} events/s, peak RSS ${Math.max(...workers.map((w) => w.peakRssMb))} MB; ` +
        `checksum ${m.checksum === o.checksum ? 'identical' : `DIFFERS (${m.checksum})`}`,
    );
    rows.push({
      workers: n,
      wallSeconds: wallMs / 1000,
      sealSeconds: seal.wallMs / 1000,
      perWorkerEventsPerSec: perWorker,
      sameChecksum: m.checksum === o.checksum,
    });
  }
  return rows;
}
