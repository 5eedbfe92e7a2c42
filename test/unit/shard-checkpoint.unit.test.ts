import { describe, expect, it } from 'vitest';
import { emptyCounters } from '../../src/core/progress/progress-events.js';
import { remainingRanges, sealCheckpoints, type ShardCheckpoint } from '../../src/core/rebuild/checkpoint.js';
import {
  addHash,
  createContentChecksum,
  documentHash,
  formatChecksum,
  mergeSums,
  parseChecksum,
  EMPTY_SUM,
} from '../../src/core/rebuild/content-checksum.js';
import { decideExistingTarget } from '../../src/core/rebuild/existing-target.js';
import type { RunManifest } from '../../src/core/rebuild/run-manifest.js';
import { parsePartitionList, parseShard, selectPartitions, shardKey } from '../../src/core/rebuild/shard-spec.js';

describe('shard specs', () => {
  it('parses i/N and partition lists, and refuses anything else as a usage error', () => {
    expect(parseShard('2/8')).toEqual({ kind: 'shard', index: 2, count: 8 });
    expect(parsePartitionList('0-3,7,2')).toEqual({ kind: 'partitions', partitions: [0, 1, 2, 3, 7] });
    for (const bad of ['8/8', '1', '-1/3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
    for (const bad of ['3-1', 'x', '1,,2']) expect(() => parsePartitionList(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('N shards split the partitions disjointly and completely, in a stable way', () => {
    const parts = [5, 0, 3, 1, 4, 2, 6];
    const all = [0, 1, 2].flatMap((i) => selectPartitions(parseShard(`${i}/3`), parts));
    expect(all.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(selectPartitions(parseShard('1/3'), parts)).toEqual([1, 4]);
    expect(selectPartitions(parseShard('7/8'), parts)).toEqual([]);
    expect(() => selectPartitions(parsePartitionList('6-7'), parts)).toThrow(/does not have: 7/);
    expect(shardKey(parseShard('1/3'))).toBe('shard-1-of-3');
    expect(shardKey(parsePartitionList('0-2'))).toBe('partitions-0.1.2');
  });
});

describe('the order-independent checksum', () => {
  const docs = Array.from({ length: 20 }, (_, i) => [`id-${i}`, { n: i, tags: ['a', String(i)], nested: { b: 1, a: i } }] as const);

  it('as written (added, replaced, removed) equals the checksum of the final set, in any order', () => {
    let written = EMPTY_SUM;
    for (const [id, d] of docs) written = addHash(written, documentHash(id, { ...d, n: -1 })); // first versions
    for (const [id, d] of docs) {
      written = addHash(written, documentHash(id, { ...d, n: -1 }), -1); // replaced
      written = addHash(written, documentHash(id, d));
    }
    written = addHash(written, documentHash('id-3', docs[3]![1]), -1); // deleted
    const read = createContentChecksum();
    for (const [id, d] of [...docs].reverse()) if (id !== 'id-3') read.add(id, { nested: { a: d.nested.a, b: 1 }, tags: d.tags, n: d.n });
    expect(formatChecksum(written)).toBe(read.digest());
  });

  it('sums of disjoint sets merge into the checksum of their union, and survive formatting', () => {
    const whole = createContentChecksum();
    const parts = [createContentChecksum(), createContentChecksum(), createContentChecksum()];
    docs.forEach(([id, d], i) => {
      whole.add(id, d);
      parts[i % 3]!.add(id, d);
    });
    const merged = mergeSums(parts.map((p) => parseChecksum(p.digest())!));
    expect(formatChecksum(merged)).toBe(whole.digest());
    expect(parseChecksum('nonsense')).toBeUndefined();
  });
});

const cp = (shard: string, partitions: number[], over: Partial<ShardCheckpoint> = {}): ShardCheckpoint => ({
  index: 'ix',
  indexUuid: 'u',
  model: 'm',
  shard,
  partitions,
  status: 'done',
  runId: 'r',
  planned: partitions.map((p) => ({ partition: p, start: 0, end: 10 })),
  positions: Object.fromEntries(partitions.map((p) => [String(p), 10])),
  counters: { ...emptyCounters(), eventsRead: 10 * partitions.length },
  checksum: formatChecksum({ count: partitions.length, sum: BigInt(partitions.length) }),
  tombstones: [],
  skipped: [],
  skippedNotListed: 0,
  historyGaps: [],
  resumptions: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
  ...over,
});
const plan = [0, 1, 2, 3].map((p) => ({ partition: p, start: 0, end: 10 }));

describe('checkpoint decisions', () => {
  it('continues each partition from its checkpoint, never before the plan start nor past its end', () => {
    expect(remainingRanges(plan.slice(0, 2), { 0: 4, 1: 99 })).toEqual([
      { partition: 0, start: 4, end: 10 },
      { partition: 1, start: 10, end: 10 },
    ]);
    expect(remainingRanges(plan.slice(0, 1), undefined)).toEqual([{ partition: 0, start: 0, end: 10 }]);
  });

  it('seals only when every planned partition was finished by exactly one worker at its planned end', () => {
    const ok = sealCheckpoints('ix', plan, [cp('a', [0, 2]), cp('b', [1, 3])]);
    expect(ok.counters.eventsRead).toBe(40);
    expect(ok.checksum).toBe(formatChecksum({ count: 4, sum: 4n }));
    const refusal = (records: ShardCheckpoint[]) => {
      try {
        sealCheckpoints('ix', plan, records);
      } catch (err) {
        return err as { code: string; exitCode: number; context: { problems: string[] } };
      }
      throw new Error('expected a refusal');
    };
    expect(refusal([cp('a', [0, 2])]).context.problems).toEqual([
      'partition 1 was folded by no worker',
      'partition 3 was folded by no worker',
    ]);
    expect(refusal([cp('a', [0, 2]), cp('b', [1, 3], { status: 'running' })])).toMatchObject({ code: 'SHARDS_INCOMPLETE', exitCode: 8 });
    expect(refusal([cp('a', [0, 1, 2]), cp('b', [1, 3])]).context.problems[0]).toMatch(/partition 1 is claimed by a and b/);
    const otherPlan = cp('b', [1, 3], { planned: [{ partition: 1, start: 0, end: 12 }, plan[3]!] });
    expect(refusal([cp('a', [0, 2]), otherPlan]).context.problems[0]).toMatch(/planned partition 1 as \[0, 12\)/);
    expect(refusal([cp('a', [0, 2]), cp('b', [1, 3], { positions: { 1: 10, 3: 9 } })]).context.problems[0]).toMatch(
      /stopped partition 3 at 9/,
    );
  });
});

describe('an existing incomplete target', () => {
  const m = (over: Partial<RunManifest> = {}): RunManifest => ({
    status: 'building',
    model: 'm',
    index: 'ix',
    toolVersion: 't',
    projection: { name: 'p', version: 1 },
    mappingFile: 'f',
    buildHash: 'h',
    topic: 't',
    ranges: plan,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });
  const decide = (found: RunManifest, wanted: RunManifest, force = false, sharded = false) =>
    decideExistingTarget({ index: 'ix', manifest: found, aliases: [] }, { model: 'm', alias: 'm_current', wanted, force, sharded });

  it('is resumed when it is our own build of the same inputs, whatever offsets the new snapshot saw; --force starts over', () => {
    const grown = m({ ranges: plan.map((r) => ({ ...r, end: 20 })) });
    expect(decide(m(), grown)).toEqual({ action: 'resume', manifest: m() });
    expect(decide(m(), grown, true).action).toBe('replace');
    expect(decide(m({ buildHash: 'other' }), grown).action).toBe('replace');
  });

  it('is started over when this run asks for other offsets: another start, or another --to', () => {
    const decideEnd = (found: RunManifest, wanted: RunManifest) =>
      decideExistingTarget(
        { index: 'ix', manifest: found, aliases: [] },
        { model: 'm', alias: 'm_current', wanted, force: false, explicitEnd: true },
      );
    const otherEnd = m({ ranges: plan.map((r) => ({ ...r, end: r.end + 5 })) });
    expect(decideEnd(m(), m())).toEqual({ action: 'resume', manifest: m() });
    expect(decideEnd(m(), otherEnd)).toMatchObject({ action: 'replace', reason: expect.stringMatching(/other offsets/) });
    expect(decide(m(), m({ ranges: plan.map((r) => ({ ...r, start: r.start + 1 })) })).action).toBe('replace');
    expect(decide(m(), m({ ranges: plan.slice(1) })).action).toBe('replace');
  });

  it('a sharded worker joins a sharded build, and never meets a single-run one (or vice versa) without a clear conflict', () => {
    expect(decide(m({ sharded: true }), m({ sharded: true }), false, true).action).toBe('resume');
    expect(() => decide(m(), m({ sharded: true }), false, true)).toThrow(expect.objectContaining({ code: 'LAYOUT_CONFLICT', exitCode: 8 }));
    expect(() => decide(m({ sharded: true }), m())).toThrow(expect.objectContaining({ code: 'LAYOUT_CONFLICT' }));
    expect(() => decide(m({ sharded: true, buildHash: 'x' }), m({ sharded: true }), false, true)).toThrow(
      expect.objectContaining({ code: 'TARGET_CONFLICT' }),
    );
    expect(decide(m({ status: 'complete', sharded: true }), m({ sharded: true, ranges: [] }), false, true).action).toBe('already-built');
  });
});
