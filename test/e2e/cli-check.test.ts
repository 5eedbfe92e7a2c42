import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes } from 'kafkajs';
import { runCli } from '../support/cli.js';
import { ENGINES, kafkaAdmin, sinkFor } from '../support/services.js';
import { productWorkspace } from '../support/product-workspace.js';

const admin = kafkaAdmin();
beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

const setup = (engine: (typeof ENGINES)[number]) => productWorkspace(engine, 'e2echk');

describe.each(ENGINES)('readmodel check and the truncated-history refusal through the binary on %s', (engine) => {
  it('check prints the pre-flight in text and JSON (exit 0), then exit 12 once history is gone; rebuild refuses until acknowledged; the swap gate refuses the gap', async () => {
    const w = setup(engine);
    const pub = await runCli(['fixtures', 'publish', 'product-search', '--count', '60', '--seed', '7', '--partitions', '2', '--json'], {
      cwd: w.cwd,
    });
    expect(pub.code, pub.stderr).toBe(0);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: w.topic,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '259200000' },
            { name: 'retention.bytes', value: '52428800' },
          ],
        },
      ],
    });
    const marks = (await admin.fetchTopicOffsets(w.topic)).sort((a, b) => a.partition - b.partition).map((r) => Number(r.high));
    const total = marks.reduce((a, b) => a + b, 0);

    const json = await runCli(['check', 'product-search', '--json'], { cwd: w.cwd });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      topic: w.topic,
      wouldRun: true,
      alias: { name: w.alias, targets: [] },
      target: { exists: false, status: 'absent' },
      history: {
        gaps: [],
        eventsToRead: total,
        retention: { cleanupPolicy: 'delete', retentionMs: 259_200_000, retentionBytes: 52_428_800, keepsFullHistory: false },
      },
    });
    const index: string = report.target.index;
    expect(index).toMatch(new RegExp(`^${w.indexBase}_v1_[0-9a-f]{10}$`));

    const text = await runCli(['check', 'product-search'], { cwd: w.cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`pre-flight of product-search: topic "${w.topic}", 2 partition(s)`);
    expect(text.stdout).toMatch(new RegExp(`^  0 +0 +0 +0 +${marks[0]} +${marks[0]} +ok$`, 'm'));
    expect(text.stdout).toContain(`events to read: ${total}`);
    expect(text.stdout).toContain('retention: cleanup.policy=delete retention.ms=259200000 (3d) retention.bytes=52428800');
    expect(text.stdout).toContain(`alias ${w.alias} -> (not set)`);
    expect(text.stdout).toContain(`target ${index}: does not exist`);
    expect(text.stdout).toContain('verdict: OK, a rebuild would run');

    // Retention (here kafka-delete-records) removes the start of partition 1.
    const cut = Math.floor(marks[1]! / 2);
    await admin.deleteTopicRecords({ topic: w.topic, partitions: [{ partition: 1, offset: String(cut) }] });

    const refusedCheck = await runCli(['check', 'product-search'], { cwd: w.cwd });
    expect(refusedCheck.code).toBe(12);
    expect(refusedCheck.stdout).toMatch(
      new RegExp(`^  1 +${cut} +0 +${cut} +${marks[1]} +${marks[1]! - cut} +MISSING ${cut} \\(offsets 0\\.\\.${cut - 1}\\)$`, 'm'),
    );
    expect(refusedCheck.stdout).toContain('verdict: REFUSED (exit 12): history missing');
    const refusedJson = await runCli(['rebuild', 'product-search', '--dry-run', '--json'], { cwd: w.cwd });
    expect(refusedJson.code).toBe(12);
    expect(JSON.parse(refusedJson.stdout)).toMatchObject({ wouldRun: false, history: { gaps: [{ partition: 1, from: 0, to: cut }] } });

    const refused = await runCli(['rebuild', 'product-search'], { cwd: w.cwd });
    expect(refused.code).toBe(12);
    expect(refused.stderr).toContain(
      `error[TRUNCATED_HISTORY]: history missing on topic "${w.topic}": partition 1 needs offset 0 but the log starts at ${cut} (${cut} events gone)`,
    );
    expect(refused.stderr).toContain('--allow-truncated-history');
    const sink = sinkFor(engine);
    try {
      expect(await sink.indexExists(index)).toBe(false);

      const acked = await runCli(['rebuild', 'product-search', '--allow-truncated-history', '--replicas', '0', '--json'], { cwd: w.cwd });
      expect(acked.code, acked.stderr).toBe(0);
      expect(JSON.parse(acked.stdout)).toMatchObject({
        outcome: 'built',
        manifest: { index, historyGaps: [{ partition: 1, from: 0, to: cut }] },
      });

      const after = await runCli(['check', 'product-search', '--allow-truncated-history', '--json'], { cwd: w.cwd });
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({
        wouldRun: true,
        acknowledged: true,
        target: { index, exists: true, status: 'complete', sameInputs: true },
      });

      const gate = await runCli(['alias', 'swap', 'product-search', '--to', index, '--json'], { cwd: w.cwd });
      expect(gate.code).toBe(7);
      expect(JSON.parse(gate.stdout).context.reasons).toContain(
        `the build misses history: partition 1 offsets 0..${cut - 1} (${cut} events) were gone from Kafka (built with --allow-truncated-history)`,
      );
      expect(await sink.aliasTargets(w.alias)).toEqual([]);
      const forced = await runCli(['alias', 'swap', 'product-search', '--to', index, '--override-gates'], { cwd: w.cwd });
      expect(forced.code, forced.stderr).toBe(0);
      expect(await sink.aliasTargets(w.alias)).toEqual([index]);
    } finally {
      await sink.close();
    }
  });
});
