import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';
import { brokers, nodeFor, uniqueName } from '../support/services.js';

describe('readmodel consume: poison and outage flags', () => {
  const cwd = () => {
    const id = uniqueName('consume');
    return workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'product-search': { topic: `product-events-${id}`, indexBase: `ps_${id}`, consumerGroup: `g-${id}` } },
    });
  };

  it('--max-sink-wait must be a positive duration (usage error, exit 2)', async () => {
    const r = await runCli(['consume', 'product-search', '--max-sink-wait', 'soon', '--json'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'USAGE', message: expect.stringContaining('--max-sink-wait') });
  });

  it('--dead-letter-topic parks what would be skipped, so it refuses --on-invalid stop (exit 2)', async () => {
    const r = await runCli(['consume', 'product-search', '--dead-letter-topic', 'x.dlq', '--on-invalid', 'stop', '--json'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'USAGE', suggestion: expect.stringContaining('--on-invalid') });
  });

  it('--help documents both flags', async () => {
    const r = await runCli(['consume', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--dead-letter-topic <topic>');
    expect(r.stdout).toContain('--max-sink-wait <duration>');
  });
});
