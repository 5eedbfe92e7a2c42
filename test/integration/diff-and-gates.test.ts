import { afterAll, describe, expect, it } from 'vitest';
import { runAliasSwap } from '../../src/app/run-alias.js';
import { runDiff } from '../../src/app/run-diff.js';
import { gatesFor } from '../../src/app/swap-gates.js';
import { createProgressBus } from '../../src/core/progress/progress-events.js';
import { aliasName } from '../../src/core/read-model.js';
import { createSwapHistoryStore } from '../../src/app/swap-history-store.js';
import { readFixtureEvents } from '../support/contracts.js';
import { allDocs, rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, isolatedProductModel, publishEvents, sinkFor } from '../support/services.js';

describe.each(ENGINES)('diff and swap gates on %s (real Kafka and engine)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  /** Two builds of the same events, then known edits to the second: ids removed, added, fields changed. */
  async function twoIndices() {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 2, readFixtureEvents());
    const a = await rebuild(model, sink);
    await runAliasSwap({ model, to: a.manifest.index }, { sink, progress: createProgressBus() });
    const b = await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink);
    return { model, a: a.manifest.index, b: b.manifest.index };
  }

  it('reports identical builds as identical', async () => {
    const { model, a, b } = await twoIndices();
    const d = await runDiff({ model, to: b }, { sink });
    expect(d).toMatchObject({
      from: { index: a },
      to: { index: b },
      changedShare: 0,
      identical: true,
      onlyInFrom: { count: 0 },
      onlyInTo: { count: 0 },
    });
    expect(d.unchanged).toBe(d.from.count);
  });

  it('finds ids on one side only and changed fields, streaming in id order', async () => {
    const { model, a, b } = await twoIndices();
    const docs = [...(await allDocs(sink, b)).entries()];
    const [gone, changed] = [docs[0]!, docs[1]!];
    await sink.bulk(b, [
      { action: 'delete', id: gone[0], version: 10_000 },
      { action: 'index', id: changed[0], version: 10_000, doc: { ...changed[1], title: 'Changed Title', priceMinor: 1 } },
      { action: 'index', id: 'zz-new', version: 1, doc: { ...changed[1], productId: 'zz-new' } },
    ]);
    const d = await runDiff({ model, from: aliasName(model), to: b, pageSize: 3 }, { sink });
    expect(d.onlyInFrom).toEqual({ count: 1, ids: [gone[0]] });
    expect(d.onlyInTo).toEqual({ count: 1, ids: ['zz-new'] });
    expect(d.changed.count).toBe(1);
    expect(d.changed.documents[0]!.id).toBe(changed[0]);
    expect(d.changed.documents[0]!.fields).toEqual([
      { path: '/priceMinor', from: changed[1].priceMinor, to: 1 },
      { path: '/title', from: changed[1].title, to: 'Changed Title' },
    ]);
    expect(d.from.count).toBe(docs.length);
    expect(d.to.count).toBe(docs.length);
    expect(d.identical).toBe(false);
    expect(d.mapping).toEqual([]);
    expect(d.from.index).toBe(a);
  });

  it('gates pass for a faithful rebuild and refuse a gutted one, listing every verdict; --override-gates records them', async () => {
    const { model, a, b } = await twoIndices();
    const gates = gatesFor(model, { maxCountDrift: 0.05, maxChangedShare: 0.05 }, sink);
    // A faithful rebuild passes every gate.
    const ok = await runAliasSwap({ model, to: b, gates }, { sink, progress: createProgressBus() });
    expect(ok.forced).toEqual([]);
    await runAliasSwap({ model, to: a, gates }, { sink, progress: createProgressBus() });

    // Gut b: delete half of it and unpublish everything left.
    const docs = [...(await allDocs(sink, b)).entries()];
    await sink.bulk(
      b,
      docs.map(([id, doc], i) =>
        i % 2 === 0
          ? { action: 'delete' as const, id, version: 20_000 }
          : { action: 'index' as const, id, version: 20_000, doc: { ...doc, published: false } },
      ),
    );
    await sink.refresh(b);
    const err = await runAliasSwap({ model, to: b, gates }, { sink, progress: createProgressBus() }).catch((e) => e);
    expect(err).toMatchObject({ code: 'GATE_REFUSED', exitCode: 7 });
    const reasons: string[] = err.context.reasons;
    expect(reasons.some((r) => r.startsWith('document count drift'))).toBe(true);
    expect(reasons.some((r) => r.includes('of documents differ from the live index'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('smoke query "published products exist" found 0'))).toBe(true);
    expect(await sink.aliasTargets(aliasName(model))).toEqual([a]);

    expect(err.context.gates).toEqual([
      'complete build: passed',
      'complete history: passed',
      expect.stringMatching(/^document count drift: failed \(document count drift/),
      expect.stringMatching(/^changed documents: failed/),
      expect.stringMatching(/^smoke queries: failed/),
    ]);
    const forced = await runAliasSwap({ model, to: b, gates, overrideGates: true }, { sink, progress: createProgressBus() });
    expect(forced.forced).toEqual(reasons);
    expect(forced.gates.map((g) => `${g.gate}: ${g.verdict}`)).toEqual([
      'complete build: passed',
      'complete history: passed',
      'document count drift: overridden',
      'changed documents: overridden',
      'smoke queries: overridden',
    ]);
    const history = await createSwapHistoryStore(sink).list(aliasName(model));
    expect(history[history.length - 1]).toMatchObject({ to: b, forced: reasons });
  });
});
