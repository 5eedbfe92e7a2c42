import { afterAll, describe, expect, it } from 'vitest';
import { generateProductEvents } from '../../src/core/read-models/product-search/fixture-generator.js';
import type { LagReport } from '../../src/core/lag/lag-report.js';
import { aliasName, type ReadModelDefinition } from '../../src/core/read-model.js';
import { runCli, workspace } from '../support/cli.js';
import { rebuild } from '../support/rebuild-helpers.js';
import { ENGINES, brokers, commitToEnd, isolatedProductModel, nodeFor, publishEvents, sinkFor } from '../support/services.js';
import type { EngineKind } from '../../src/core/ports/search-sink.js';

const configFor = (model: ReadModelDefinition, engine: EngineKind) =>
  workspace({
    kafka: { brokers: brokers() },
    search: { engine, node: nodeFor(engine) },
    models: { 'product-search': { topic: model.topic, consumerGroup: model.consumerGroup, indexBase: model.indexBase } },
  });

const MODEL_KEYS = [
  'model',
  'topic',
  'group',
  'groupState',
  'members',
  'status',
  'reason',
  'consumerStatus',
  'consumerReason',
  'lag',
  'maxTimeLagMs',
  'partitions',
  'readModel',
];
const READ_MODEL_KEYS = ['alias', 'engine', 'indices', 'index', 'build', 'documents', 'newestEventAt', 'ageMs', 'status', 'reason'];

describe.each(ENGINES)('readmodel lag (built binary) on %s: exit codes and the --json report', (engine) => {
  const sink = sinkFor(engine);
  const created: string[] = [];
  afterAll(async () => {
    for (const index of created) await sink.deleteIndex(index).catch(() => undefined);
    await sink.close();
  });

  it('exit 0 for a healthy read model; exit 1 with the reason once the alias is gone; alias swap to the live index is exit 8', async () => {
    const model = isolatedProductModel();
    await publishEvents(
      model.topic,
      2,
      [...generateProductEvents({ products: 8, seed: 81 })].map((g) => g.envelope),
    );
    const index = (await rebuild(model, sink)).manifest.index;
    created.push(index);
    await sink.updateAliases([{ add: { index, alias: aliasName(model) } }]);
    await commitToEnd(model);
    const cwd = configFor(model, engine);

    const ok = await runCli(['lag', 'product-search', '--json', '--samples', '1'], { cwd });
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as LagReport;
    expect(Object.keys(report).sort()).toEqual(['at', 'exitCode', 'models', 'samples', 'status', 'thresholds', 'windowSpanMs']);
    expect(report).toMatchObject({ status: 'OK', exitCode: 0 });
    const m = report.models[0]!;
    expect(Object.keys(m).sort()).toEqual([...MODEL_KEYS].sort());
    expect(Object.keys(m.readModel!).sort()).toEqual([...READ_MODEL_KEYS].sort());
    expect(m).toMatchObject({
      status: 'OK',
      consumerStatus: 'OK',
      readModel: { status: 'OK', engine, index, indices: [index], build: { status: 'complete', model: 'product-search' } },
    });
    expect(m.readModel!.ageMs).toBeGreaterThan(0);

    const text = await runCli(['lag', 'product-search', '--samples', '1'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`read model: OK ${index} via ${aliasName(model)}`);
    expect(text.stderr).toMatch(/overall: OK \(exit 0\)/);
    // stdout is the table alone: what `awk 'NR>1'` reads is one row per partition, nothing else.
    const rows = text.stdout.trimEnd().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row.split(/\s+/)).toEqual([
        model.consumerGroup,
        model.topic,
        expect.stringMatching(/^\d+$/),
        expect.stringMatching(/^\d+$/),
        expect.stringMatching(/^\d+$/),
        '0',
        '0ms',
        'OK',
        'product-search',
      ]);

    // Swapping to the index that is already live is a conflict (8), as the exit-code table says.
    const again = await runCli(['alias', 'swap', 'product-search', '--to', index, '--json'], { cwd });
    expect(again.code).toBe(8);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: 'ALREADY_LIVE', exitCode: 8 });

    // The alias gone (the index stays): a finding, exit 1, with what is wrong and what to do.
    await sink.updateAliases([{ remove: { index, alias: aliasName(model) } }]);
    const gone = await runCli(['lag', 'product-search', '--json', '--samples', '1'], { cwd });
    expect(gone.code).toBe(1);
    const broken = JSON.parse(gone.stdout) as LagReport;
    expect(broken).toMatchObject({
      status: 'ERR',
      exitCode: 1,
      models: [{ status: 'ERR', consumerStatus: 'OK', readModel: { status: 'ERR', problem: 'ALIAS_MISSING', ageMs: null } }],
    });
    expect(broken.models[0]!.readModel!.suggestion).toContain('readmodel rebuild product-search --swap');

    const goneText = await runCli(['lag', 'product-search', '--samples', '1'], { cwd });
    expect(goneText.code).toBe(1);
    expect(goneText.stderr).toContain(`read model: ERR [ALIAS_MISSING] alias ${aliasName(model)} does not exist`);
    expect(goneText.stderr).not.toContain('freshness: unknown');
    expect(goneText.stderr).toContain('error[LAG_ERR]');
    expect(goneText.stderr).toContain('what to do: build one and expose it: readmodel rebuild product-search --swap');
  });
});

describe('readmodel lag (built binary): unreachable services and usage', () => {
  it('a dead search node is exit 6 with a report naming it, not OK', async () => {
    const model = isolatedProductModel();
    await publishEvents(
      model.topic,
      1,
      [...generateProductEvents({ products: 2, seed: 82 })].map((g) => g.envelope),
    );
    const cwd = configFor(model, 'opensearch');
    const r = await runCli(['lag', 'product-search', '--json', '--samples', '3', '--interval', '100ms', '--node', 'http://127.0.0.1:1'], {
      cwd,
    });
    expect(r.code).toBe(6);
    const report = JSON.parse(r.stdout) as LagReport;
    expect(report).toMatchObject({
      status: 'ERR',
      exitCode: 6,
      samples: 1,
      models: [{ readModel: { status: 'ERR', problem: 'ENGINE_UNREACHABLE', error: { code: 'SINK_UNAVAILABLE', exitCode: 6 } } }],
    });
    expect(report.models[0]!.readModel!.reason).toMatch(
      /does not answer: opensearch at http:\/\/127\.0\.0\.1:1 is (unavailable|unreachable).*ECONNREFUSED/,
    );
  }, 120_000);

  it('usage mistakes are exit 2, which no lag verdict uses', async () => {
    const cwd = workspace({ kafka: { brokers: brokers() } });
    expect((await runCli(['lag', 'product-search', '--samples', '0'], { cwd })).code).toBe(2);
    expect((await runCli(['lag', 'product-search', '--watch', '--prometheus'], { cwd })).code).toBe(2);
    const help = await runCli(['lag', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 every partition and read model OK, 1 any finding');
    expect(help.stdout).toContain('readmodel_read_model_status');
    expect(help.stdout).toContain('GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG TIME-LAG STATUS MODEL');
    const serveHelp = await runCli(['lag', 'serve', '--help']);
    expect(serveHelp.stdout).toMatch(/--port <n>[^-]*\(default:\s+10464\)/);
    expect(serveHelp.stdout).toContain('Default port 10464');
  });
});
