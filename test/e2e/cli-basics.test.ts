import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('readmodel binary: help, usage and config errors', () => {
  it('--help lists every command and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['rebuild', 'alias', 'consume', 'fixtures', 'sandbox']) expect(r.stdout).toContain(c);
  });

  it('each command has complete help', async () => {
    const r = await runCli(['rebuild', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--from', '--from-time', '--to', '--on-invalid', '--force', '--swap', '--json']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Exit codes');
  });

  it('an unknown command is a usage error: exit 2, no stack trace', async () => {
    const r = await runCli(['rebuilt', 'product-search']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'rebuilt'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad flag value is a usage error with JSON when asked', async () => {
    const r = await runCli(
      [
        'rebuild',
        'product-search',
        '--from',
        'zero',
        '--brokers',
        '127.0.0.1:1',
        '--engine',
        'opensearch',
        '--node',
        'http://127.0.0.1:1',
        '--json',
      ],
      {
        cwd: mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-')),
      },
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'USAGE', exitCode: 2, message: expect.stringContaining('partition:offset') });
  });

  it('without config it names what to set instead of guessing a cluster: exit 3', async () => {
    const r = await runCli(['rebuild', 'product-search'], { cwd: mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-')) });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no Kafka brokers configured');
    expect(r.stderr).toContain('READMODEL_KAFKA_BROKERS');
  });

  it('an unknown read model says which exist', async () => {
    const r = await runCli(['rebuild', 'nope', '--brokers', '127.0.0.1:1', '--json'], {
      cwd: mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-')),
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'UNKNOWN_MODEL', context: { known: expect.arrayContaining(['product-search']) } });
  });

  it('an unreachable search engine is reported as such: exit 6', async () => {
    const r = await runCli(['alias', 'show', 'product-search', '--engine', 'opensearch', '--node', 'http://127.0.0.1:1', '--json'], {
      cwd: mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-')),
    });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'SINK_UNAVAILABLE', context: { node: 'http://127.0.0.1:1' } });
  }, 60_000);
});
