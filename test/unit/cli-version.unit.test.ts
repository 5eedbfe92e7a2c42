import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VERSION, main } from '../../src/cli/main.js';
import { versionDocument, versionText } from '../../src/cli/output/version-text.js';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const code = await main(['node', 'readmodel', ...args], { stdout, stderr: stdout, env: {} });
  return { code, out };
}

describe('readmodel --version', () => {
  it('prints the tool version, the Node version and the supported engine matrix', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`readmodel ${VERSION}`);
    expect(lines[1]).toBe(`node ${process.versions.node}`);
    expect(out).toMatch(/OpenSearch\s+2\.x, 3\.x\s+2\.19\.3\s+3\.8\.0\s+2\.x: Java 11-21, 3\.x: Java 21\+/);
    expect(out).toMatch(/Elasticsearch\s+8\.x, 9\.x\s+8\.19\.7\s+9\.5\.0\s+8\.x: Java 17\+, 9\.x: Java 21\+/);
    expect(out).toMatch(/Apache Kafka\s+3\.x, 4\.x\s+3\.9\.1\s+4\.4\.0/);
    expect((await run(['-V'])).out).toBe(out);
  });

  it('prints one JSON document with --json, on either side of the flag', async () => {
    const a = await run(['--version', '--json']);
    const b = await run(['--json', '--version']);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    const doc = JSON.parse(a.out);
    expect(doc).toEqual(versionDocument(VERSION, process.versions.node));
    expect(doc.engines.elasticsearch).toEqual({
      supportedMajors: [8, 9],
      oldestTested: '8.19.7',
      sandboxDefault: '9.5.0',
      java: { '8.x': 'Java 17+', '9.x': 'Java 21+' },
    });
  });

  it('renders the same facts as text', () => {
    expect(versionText('1.2.3', '24.0.0')).toContain('readmodel 1.2.3\nnode 24.0.0\n');
  });
});
