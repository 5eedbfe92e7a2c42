import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_INDEX, readCheckpoint } from '../../src/app/checkpoint-store.js';
import { readWriteLog, WRITE_LOG_INDEX } from '../../src/app/write-log.js';
import type { BulkWrite, SearchSink } from '../../src/core/ports/search-sink.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { assetsFor } from '../support/assets.js';
import { dyingSink, dyingSource } from '../support/dying-process.js';
import { messyProductStream } from '../support/messy-stream.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, publishEvents, sinkFor } from '../support/services.js';

/** Dies at the `fatal`-th checkpoint write (that write fails): what was sent before it landed, the checkpoint did not. */
function dyingAtCheckpoint(sink: SearchSink, fatal: number) {
  let checkpoints = 0;
  return dyingSink(sink, { fatal: (c) => c.method === 'putDoc' && c.args[0] === CHECKPOINT_INDEX && ++checkpoints >= fatal });
}

/** Dies right after its `n`-th write-log record was stored, before the writes it announces are sent. */
function dyingAfterLogRecords(sink: SearchSink, n: number) {
  let logged = 0;
  return dyingSink(sink, { diesAfter: (c) => c.method === 'putDoc' && c.args[0] === WRITE_LOG_INDEX && ++logged >= n });
}

/**
 * Dies while sending the writes its `n`-th write-log record announces: three quarters of the first
 * bulk after it land, then every call fails (the lease's aside, as in dyingSink).
 */
function dyingMidSend(sink: SearchSink, n: number) {
  let logged = 0;
  let armed = false;
  let cut = false;
  const half = new Proxy(sink, {
    get(target, method) {
      const v = Reflect.get(target, method) as unknown;
      if (method !== 'bulk') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      return async (index: string, writes: BulkWrite[], opts?: Parameters<SearchSink['bulk']>[2]) => {
        if (!armed || index === WRITE_LOG_INDEX) return target.bulk(index, writes, opts);
        cut = true;
        await target.bulk(index, writes.slice(0, Math.ceil((writes.length * 3) / 4)), opts);
        throw new Error('simulated crash');
      };
    },
  });
  return dyingSink(half, {
    fatal: () => cut,
    diesAfter: (c) => {
      if (c.method === 'putDoc' && c.args[0] === WRITE_LOG_INDEX && ++logged >= n) armed = true;
      return false;
    },
  });
}

/**
 * Every event read was folded exactly once. Not `eventsApplied` alone: an event re-read after the
 * checkpoint whose document state had already landed is stale to the resumed fold.
 */
const folded = (c: { eventsApplied: number; eventsStale: number; eventsIgnored: number } | undefined) =>
  c ? c.eventsApplied + c.eventsStale + c.eventsIgnored : undefined;

/** Counts the full scans a run makes (a sink that never dies). */
const countingScans = (sink: SearchSink) => dyingSink(sink, {});

describe.each(ENGINES)('resuming from the write log on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  /** A messy long-lived catalogue on 3 partitions, and its uninterrupted single-run rebuild. */
  async function reference(seed: number) {
    const model = isolatedProductModel();
    const stream = messyProductStream({ seed, products: 300, updates: 3000 });
    await publishEvents(model.topic, 3, stream.events);
    const built = await rebuild(model, sink, { batchSize: 97, cacheSize: 40 });
    return { model, events: stream.events.length, built, docs: await allDocs(sink, built.manifest.index) };
  }
  const sameTopic = (model: { topic: string }) => isolatedProductModel({ topic: model.topic });

  async function logLeft(index: string): Promise<number> {
    if (!(await sink.indexExists(WRITE_LOG_INDEX))) return 0;
    await sink.refresh(WRITE_LOG_INDEX);
    return sink.count(WRITE_LOG_INDEX, { term: { index } });
  }

  // Held writes sent in small parts (holdWrites 30), so documents are written again and again, and
  // some of them after the last checkpoint that was recorded: the restore must count what landed.
  it.each([
    { when: 'a timed checkpoint mid-partition', checkpointEveryMs: 0, fatal: 4, fromCut: 0 },
    // Partition 1's writes landed, its checkpoint was not recorded: the cut logged with them is where to continue.
    { when: "a partition's end (the next partition's writes landed)", checkpointEveryMs: 3_600_000, fatal: 3, fromCut: 2 },
  ])('dying at $when: writes that landed after the last checkpoint are accounted, without scanning the index', async (c) => {
    const ref = await reference(41 + c.fatal);
    const model = sameTopic(ref.model);
    const index = (await assetsFor(model)).indexName;
    const opts = { batchSize: 60, cacheSize: 40, holdWrites: 30, checkpointEveryMs: c.checkpointEveryMs };
    const dying = dyingAtCheckpoint(sink, c.fatal);
    await expect(rebuild(model, dying.sink, opts)).rejects.toThrow(/simulated crash/);
    await dying.settled();

    const cp = await readCheckpoint(sink, index, 'all');
    expect(cp?.status).toBe('running');
    expect(cp?.writeLog).toBeDefined();
    const records = await readWriteLog(sink, { index, indexUuid: cp!.indexUuid, shard: 'all', mark: cp!.writeLog! });
    // The case under test: writes logged (and sent) after the checkpoint that was recorded, of the
    // partition being read when the process died.
    const unfinished = ref.built.manifest.ranges.filter((r) => cp!.positions[String(r.partition)]! < r.end).map((r) => r.partition);
    const after = records.filter((r) => r.seq > cp!.writeLog!.upTo);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((r) => r.partitions.some((p) => unfinished.includes(p)))).toBe(true);

    const counting = countingScans(sink);
    const resumed = await rebuild(model, counting.sink, opts);
    expect(counting.scans).toBe(0);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(resumed.manifest.counts?.documents).toBe(ref.docs.size);
    expect(resumed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(folded(resumed.manifest.counts)).toBe(folded(ref.built.manifest.counts));
    expect(resumed.manifest.resumptions).toHaveLength(1);
    // Partitions read to their end (by the recorded checkpoint or a cut whose writes all landed) are not read again.
    const skippedWhole = resumed.manifest.resumptions![0]!.from.filter((r) => r.start === r.end).map((r) => r.partition);
    expect(skippedWhole).toEqual(c.fromCut === 2 ? [0, 1] : []);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
    // The log goes with the checkpoints once the build is complete.
    expect(await logLeft(index)).toBe(0);
  });

  /** A rebuild of a reference catalogue that dies on `dying` while partition 0's cut is logged: the cut record after the checkpoint. */
  async function diedAtPartitionEnd(seed: number, dying: (s: SearchSink) => ReturnType<typeof dyingSink>) {
    const ref = await reference(seed);
    const model = sameTopic(ref.model);
    const index = (await assetsFor(model)).indexName;
    const opts = { batchSize: 60, cacheSize: 40, checkpointEveryMs: 3_600_000 };
    const d = dying(sink);
    await expect(rebuild(model, d.sink, opts)).rejects.toThrow(/simulated crash/);
    await d.settled();
    const cp = await readCheckpoint(sink, index, 'all');
    const records = await readWriteLog(sink, { index, indexUuid: cp!.indexUuid, shard: 'all', mark: cp!.writeLog! });
    const cuts = records.filter((r) => r.seq > cp!.writeLog!.upTo && r.cut);
    expect(cuts.length).toBe(1);
    await sink.refresh(index);
    return { ref, model, index, opts, cut: cuts[0]!, landed: await sink.count(index) };
  }

  it('a cut logged with writes that never landed is not taken: the resume continues from the recorded checkpoint', async () => {
    // Dies once partition 0's record (with its cut) is stored, before any of its writes is sent:
    // folding all of its documents again would cost more than reading the partition again.
    const { ref, model, index, opts, landed, cut } = await diedAtPartitionEnd(61, (s) => dyingAfterLogRecords(s, 1));
    expect(landed).toBe(0);

    const { progress, logs } = logLines();
    const resumed = await rebuild(model, sink, opts, { progress });
    expect(resumed.manifest.resumptions![0]!.from.every((r) => r.start === 0)).toBe(true);
    // The operator is told why the partition is read again.
    const why = logs
      .map((l) => /^info: the last run died while sending the documents held up to its last cut \((\d+) of (\d+) not written\)/.exec(l))
      .find(Boolean);
    expect(Number(why?.[2])).toBe(cut.ids.length);
    expect(Number(why?.[1])).toBeGreaterThan(cut.ids.length / 2);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(folded(resumed.manifest.counts)).toBe(folded(ref.built.manifest.counts));
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it("a partition's end killed once most of its writes landed: the others are folded again and written, and the resume continues from its cut", async () => {
    const { ref, model, index, opts, cut, landed } = await diedAtPartitionEnd(63, (s) => dyingMidSend(s, 1));
    expect(landed).toBeLessThan(cut.ids.length);
    expect(landed).toBeGreaterThan(cut.ids.length / 2);

    const resumed = await rebuild(model, sink, opts);
    // Partition 0 is not read again as part of the replay: its cut is where the fold continues.
    const from = resumed.manifest.resumptions![0]!.from;
    expect(from.find((r) => r.partition === 0)).toMatchObject({ start: cut.cut!.positions['0'] });
    expect(from.filter((r) => r.partition !== 0).every((r) => r.start === 0)).toBe(true);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(resumed.manifest.counts?.eventsRead).toBe(ref.events);
    expect(folded(resumed.manifest.counts)).toBe(folded(ref.built.manifest.counts));
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it('a cut whose missing documents do not fold to what the log says is not repaired: nothing is written, the resume starts from the checkpoint', async () => {
    const { ref, model, index, opts, cut } = await diedAtPartitionEnd(65, (s) => dyingMidSend(s, 1));
    // The last document sent is one of those that did not land: the log now names another body for it.
    const last = cut.ids.length - 1;
    const tampered = { ...cut, hashes: cut.hashes.map((h, i) => (i === last ? (h === '1' ? '2' : '1') : h)) };
    await sink.putDoc(WRITE_LOG_INDEX, `${index}|all|${cut.seq}`, tampered as unknown as Record<string, unknown>, { refresh: true });

    const { progress, logs } = logLines();
    const resumed = await rebuild(model, sink, opts, { progress });
    expect(logs.find((l) => l.includes('were being written'))).toMatch(/^warn: .*were not repaired \(document \S+ folds to/);
    expect(resumed.manifest.resumptions![0]!.from.every((r) => r.start === 0)).toBe(true);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(folded(resumed.manifest.counts)).toBe(folded(ref.built.manifest.counts));
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it('two crashes in a row (at a checkpoint, then mid-replay) still give the uninterrupted result', async () => {
    const ref = await reference(47);
    const model = sameTopic(ref.model);
    const index = (await assetsFor(model)).indexName;
    const opts = { batchSize: 60, cacheSize: 40, holdWrites: 25, checkpointEveryMs: 0 };
    const first = dyingAtCheckpoint(sink, 6);
    await expect(rebuild(model, first.sink, opts)).rejects.toThrow(/simulated crash/);
    await first.settled();
    await expect(rebuild(model, sink, opts, { source: dyingSource(Math.floor(ref.events / 2)) })).rejects.toThrow(/simulated crash/);
    expect((await readCheckpoint(sink, index, 'all'))?.writeLog).toBeDefined();

    const resumed = await rebuild(model, sink, opts);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(folded(resumed.manifest.counts)).toBe(folded(ref.built.manifest.counts));
    expect(resumed.manifest.resumptions).toHaveLength(2);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });

  it('a record the checkpoint needs and cannot find is refused as unreadable state, nothing written', async () => {
    const ref = await reference(53);
    const model = sameTopic(ref.model);
    const index = (await assetsFor(model)).indexName;
    const opts = { batchSize: 60, cacheSize: 40, holdWrites: 30, checkpointEveryMs: 0 };
    await expect(rebuild(model, sink, opts, { source: dyingSource(Math.floor(ref.events / 6)) })).rejects.toThrow(/simulated crash/);
    const cp = await readCheckpoint(sink, index, 'all');
    expect(cp?.writeLog?.live.length).toBeGreaterThan(0);
    await sink.deleteDoc(WRITE_LOG_INDEX, `${index}|all|${cp!.writeLog!.live[0]}`);
    await sink.refresh(index);
    const before = await sink.count(index);

    await expect(rebuild(model, sink, opts)).rejects.toMatchObject({ code: 'UNREADABLE_STATE' });
    await sink.refresh(index);
    expect(await sink.count(index)).toBe(before);
    // --force starts it over, and the result is the uninterrupted one.
    const over = await rebuild(model, sink, { ...opts, force: true });
    expect(over.manifest.checksum).toBe(ref.built.manifest.checksum);
  });

  it('a build whose writes were not logged (--hold 0) resumes by scanning the index, and stays exact', async () => {
    const ref = await reference(59);
    const model = sameTopic(ref.model);
    const index = (await assetsFor(model)).indexName;
    await expect(
      rebuild(
        model,
        sink,
        { batchSize: 60, cacheSize: 40, holdWrites: 0, checkpointEveryMs: 0 },
        { source: dyingSource(Math.floor(ref.events / 2)) },
      ),
    ).rejects.toThrow(/simulated crash/);
    const cp = await readCheckpoint(sink, index, 'all');
    expect(cp?.status).toBe('running');
    expect(cp?.writeLog).toBeUndefined();

    // Resumed holding its writes: the scan is the only exact restore, and the build stays unlogged
    // (its documents from before are in no log), so the next resume scans too.
    const holding = { batchSize: 60, cacheSize: 40, checkpointEveryMs: 0 };
    const second = countingScans(sink);
    await expect(rebuild(model, second.sink, holding, { source: dyingSource(Math.floor(ref.events / 4)) })).rejects.toThrow(
      /simulated crash/,
    );
    expect(second.scans).toBe(1);
    expect((await readCheckpoint(sink, index, 'all'))?.writeLog).toBeUndefined();
    const counting = countingScans(sink);
    const resumed = await rebuild(model, counting.sink, holding);
    expect(counting.scans).toBe(1);
    expect(resumed.manifest.checksum).toBe(ref.built.manifest.checksum);
    expect(await allDocs(sink, index)).toEqual(ref.docs);
  });
});

/** A progress bus and the `level: message` lines of the log events it carries. */
function logLines() {
  const progress = createProgressBus();
  const logs: string[] = [];
  progress.subscribe((e) => void (e.type === 'log' && logs.push(`${e.level}: ${e.message}`)));
  return { progress, logs };
}
