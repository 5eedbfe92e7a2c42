import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../support/cli.js';

const SECRETS = ['s3cr3t-sasl', 's3cr3t-search', 's3cr3t-key', 'hunter2'];

describe('secrets never reach output', () => {
  it('config show redacts secrets from the file and the environment, with flags taking precedence', async () => {
    const cwd = workspace({
      kafka: { brokers: ['file-host:9092'], sasl: { mechanism: 'plain', username: 'svc', password: 's3cr3t-sasl' } },
      search: { engine: 'opensearch', node: 'http://file-host:9200', password: 's3cr3t-search', username: 'admin' },
    });
    const env = {
      READMODEL_SEARCH_API_KEY: 's3cr3t-key',
      READMODEL_KAFKA_BROKERS: 'env-host:9092',
      READMODEL_SEARCH_NODE: 'https://elastic:hunter2@env-host:9200',
    };
    const r = await runCli(['config', 'show', '--json', '--engine', 'elasticsearch'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({
      kafka: { brokers: ['env-host:9092'], sasl: { username: 'svc', password: '***' } },
      // Credentials in the node URL move to username/password: the URL that is shown and used keeps none.
      search: { engine: 'elasticsearch', node: 'https://env-host:9200', username: 'elastic', password: '***', apiKey: '***' },
    });
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('error output redacts credentials in node URLs, in text and JSON', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-'));
    const args = ['alias', 'show', 'product-search', '--engine', 'opensearch', '--node', 'http://admin:hunter2@127.0.0.1:1'];
    const json = await runCli([...args, '--json'], { cwd });
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout).context.node).toBe('http://127.0.0.1:1');
    const text = await runCli(args, { cwd });
    expect(text.code).toBe(6);
    for (const out of [json.stdout + json.stderr, text.stdout + text.stderr]) expect(out).not.toContain('hunter2');
  }, 60_000);

  it('an invalid config file names the offending key: exit 3', async () => {
    const cwd = workspace({ kafka: { brokers: ['no-port'] }, search: { engine: 'solr' } });
    const r = await runCli(['config', 'show', '--json'], { cwd });
    expect(r.code).toBe(3);
    const e = JSON.parse(r.stdout);
    expect(e.error).toBe('INVALID_CONFIG');
    expect(e.context.errors.join('\n')).toMatch(/kafka\.brokers\.0/);
    expect(e.context.errors.join('\n')).toMatch(/search\.engine/);
  });
});
