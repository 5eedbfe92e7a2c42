import { afterAll, describe, expect, it } from 'vitest';
import { readLease } from '../../src/app/lease-store.js';
import { createSwapHistoryStore } from '../../src/app/swap-history-store.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { runCli, workspace } from '../support/cli.js';
import { readFixtureEvents } from '../support/contracts.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, brokers, isolatedProductModel, nodeFor, publishEvents, sinkFor } from '../support/services.js';

describe.each(ENGINES)('alias swap|rollback --dry-run on %s (real Kafka and engine, the built binary)', (engine) => {
  const sink = sinkFor(engine);
  afterAll(() => sink.close());

  /** Two complete builds of one isolated model (a second projection version gives a second index name). */
  async function twoBuilds() {
    const model = isolatedProductModel();
    await publishEvents(model.topic, 2, readFixtureEvents());
    const a = (await rebuild(model, sink)).manifest.index;
    const b = (await rebuild({ ...model, projection: { ...model.projection, version: 2 } }, sink)).manifest.index;
    const alias = `${model.indexBase}_current`;
    return { model, a, b, alias, cwd: cwdFor(model) };
  }

  function cwdFor(model: ReadModelDefinition, extra: Record<string, unknown> = {}) {
    const models = { 'product-search': { topic: model.topic, indexBase: model.indexBase, consumerGroup: model.consumerGroup, ...extra } };
    return workspace({ kafka: { brokers: brokers() }, search: { engine, node: nodeFor(engine) }, models });
  }

  /** What a dry run must leave exactly as it was: the alias, the swap history, the swap lease. */
  async function state(alias: string) {
    return {
      targets: await sink.aliasTargets(alias),
      history: (await createSwapHistoryStore(sink).list(alias)).length,
      lease: await readLease(sink, `alias:${alias}`),
    };
  }

  it('prints every verdict and the exact _aliases request, exits as the swap would, and changes nothing', async () => {
    const { a, b, alias, cwd } = await twoBuilds();

    // First exposure: nothing to remove.
    const first = await runCli(['alias', 'swap', 'product-search', '--to', a, '--dry-run'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('dry run: nothing changed');
    expect(first.stdout).toContain('gate complete build: passed');
    expect(first.stdout).toContain(`would swap ${alias}: (none) -> ${a}, sending:\nPOST /_aliases\n`);
    expect(JSON.parse(first.stdout.slice(first.stdout.indexOf('{')))).toEqual({ actions: [{ add: { index: a, alias } }] });
    expect(await state(alias)).toEqual({ targets: [], history: 0, lease: undefined });

    expect((await runCli(['alias', 'swap', 'product-search', '--to', a], { cwd })).code).toBe(0);

    const json = await runCli(['alias', 'swap', 'product-search', '--to', b, '--dry-run', '--json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ dryRun: true, action: 'swap', alias, from: a, to: b, wouldSwap: true, forced: [] });
    expect(plan.request).toEqual({
      method: 'POST',
      path: '/_aliases',
      body: { actions: [{ remove: { index: a, alias, must_exist: true } }, { add: { index: b, alias } }] },
    });
    expect(plan.gates.map((g: { gate: string; verdict: string }) => `${g.gate}: ${g.verdict}`)).toEqual([
      'complete build: passed',
      'complete history: passed',
      'document count drift: passed',
      'changed documents: passed',
      'smoke queries: passed',
    ]);
    expect(await state(alias)).toEqual({ targets: [a], history: 1, lease: undefined });

    // The refusals before the gates keep their own exit codes.
    const live = await runCli(['alias', 'swap', 'product-search', '--to', a, '--dry-run'], { cwd });
    expect(live.code).toBe(8);
    expect(live.stderr).toContain('error[ALREADY_LIVE]');
    const missing = await runCli(['alias', 'swap', 'product-search', '--to', `${a}_nope`, '--dry-run'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[INDEX_NOT_FOUND]');
    expect(await state(alias)).toEqual({ targets: [a], history: 1, lease: undefined });
  });

  it('a failing gate: exit 7 with the verdicts and the request --override-gates would send; nothing changed', async () => {
    const { model, a, b, alias, cwd } = await twoBuilds();
    expect((await runCli(['alias', 'swap', 'product-search', '--to', a], { cwd })).code).toBe(0);
    const strict = cwdFor(model, { smokeQueries: [{ name: 'everything', query: { match_all: {} }, minHits: 1_000_000 }] });

    const text = await runCli(['alias', 'swap', 'product-search', '--to', b, '--dry-run'], { cwd: strict });
    expect(text.code).toBe(7);
    expect(text.stdout).toContain('gate smoke queries: failed (smoke query "everything" found');
    expect(text.stdout).toContain(
      `would refuse to swap ${alias}: ${a} -> ${b}; nothing would be sent\nwith --override-gates it would send:`,
    );
    expect(text.stderr).toContain('error[GATE_REFUSED]');

    const json = await runCli(['alias', 'swap', 'product-search', '--to', b, '--dry-run', '--json'], { cwd: strict });
    expect(json.code).toBe(7);
    const plan = JSON.parse(json.stdout); // one document: the plan carries the refusal
    expect(plan).toMatchObject({ dryRun: true, wouldSwap: false, refusal: { error: 'GATE_REFUSED', exitCode: 7 } });
    expect(plan.gates.find((g: { gate: string }) => g.gate === 'smoke queries').verdict).toBe('failed');

    const forced = await runCli(['alias', 'swap', 'product-search', '--to', b, '--dry-run', '--override-gates', '--json'], { cwd: strict });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ wouldSwap: true, forced: [expect.stringContaining('smoke query "everything"')] });
    expect(await state(alias)).toEqual({ targets: [a], history: 1, lease: undefined });
  });

  it('rollback --dry-run names where it would go and the request; no history means exit 2 as for the rollback', async () => {
    const { a, b, alias, cwd } = await twoBuilds();
    const none = await runCli(['alias', 'rollback', 'product-search', '--dry-run'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error[NO_ROLLBACK]');

    for (const to of [a, b]) expect((await runCli(['alias', 'swap', 'product-search', '--to', to], { cwd })).code).toBe(0);
    const text = await runCli(['alias', 'rollback', 'product-search', '--dry-run'], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`would roll back ${alias}: ${b} -> ${a}, sending:\nPOST /_aliases`);
    const json = await runCli(['alias', 'rollback', 'product-search', '--dry-run', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({
      action: 'rollback',
      from: b,
      to: a,
      request: { body: { actions: [{ remove: { index: b, alias, must_exist: true } }, { add: { index: a, alias } }] } },
    });
    expect(await state(alias)).toEqual({ targets: [b], history: 2, lease: undefined });
  });
});
