import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, workspace } from '../support/cli.js';
import { brokers, nodeFor, uniqueName } from '../support/services.js';

/**
 * NO_COLOR and TERM=dumb, for real: the built binary runs on a pseudo-terminal (util-linux `script`),
 * whose raw output we read byte for byte. Needs `script` on the PATH; fails (never skips) without it.
 */

const ESC = '\u001b';
/** SGR: colours and styles (bold, dim); cursor movement and line erasing are other sequences. */
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`);

function onTerminal(cwd: string, env: Record<string, string>, args: string[]): { code: number; output: string } {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('`script` (util-linux) is required by test/e2e/terminal-env.test.ts: apt-get install -y bsdutils');
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // The command lives in a file so script's header line (which quotes the command) holds no bytes of ours.
  const runner = path.join(cwd, `run-${Object.keys(env).join('-')}.sh`);
  writeFileSync(runner, `stty cols 120 rows 40\nexec ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}\n`);
  const log = `${runner}.log`;
  const r = spawnSync('script', ['-q', '-e', '-c', `sh ${q(runner)}`, log], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  // Drop script's own first ("Script started ...") and last ("Script done ...") lines.
  const lines = readFileSync(log, 'utf8').split('\n');
  const body = lines.slice(
    1,
    lines.findLastIndex((l) => l.startsWith('Script done')),
  );
  return { code: r.status ?? -1, output: body.join('\n') };
}

describe('NO_COLOR and TERM=dumb on a real terminal', () => {
  it('TERM=dumb: plain progress lines, no escape sequence at all; NO_COLOR: the interactive UI without colour', async () => {
    const id = uniqueName('term');
    const topic = `product-events-${id}`;
    const cwd = workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'product-search': { topic, indexBase: `ps_${id}`, consumerGroup: `g-${id}` } },
    });
    const pub = await runCli(
      ['fixtures', 'publish', 'product-search', '--count', '100', '--partitions', '2', '--topic', topic, '--no-tui'],
      {
        cwd,
      },
    );
    expect(pub.code, pub.stderr).toBe(0);

    const dumb = onTerminal(cwd, { TERM: 'dumb' }, ['rebuild', 'product-search']);
    expect(dumb.code, dumb.output).toBe(0);
    expect(dumb.output).not.toContain(ESC);
    // The plain view, not the UI or the bar: one line per phase, the context and the result.
    expect(dumb.output).toContain('[replay]');
    expect(dumb.output).toContain(`model product-search, topic ${topic}`);
    expect(dumb.output).not.toContain('q / Ctrl-C');

    // --force: the build exists now; a second run rebuilds it, this time under the interactive UI.
    const plain = onTerminal(cwd, { TERM: 'xterm-256color', NO_COLOR: '1' }, ['rebuild', 'product-search', '--force']);
    expect(plain.code, plain.output).toBe(0);
    expect(plain.output).toContain('✔ connect › ✔ snapshot › ✔ replay › ✔ finalize');
    expect(plain.output).not.toMatch(SGR);

    // Without NO_COLOR the same UI is coloured: the check above can fail.
    const coloured = onTerminal(cwd, { TERM: 'xterm-256color' }, ['rebuild', 'product-search', '--force']);
    expect(coloured.code, coloured.output).toBe(0);
    expect(coloured.output).toMatch(SGR);

    // lag prints no escape on a dumb terminal either (its --watch redraw is off there).
    const lag = onTerminal(cwd, { TERM: 'dumb' }, ['lag', 'product-search', '--samples', '1']);
    expect(lag.output).not.toContain(ESC);
    expect(lag.output).toMatch(/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG/);
  }, 300_000);

  it('Kafka connection errors and retries are reported as they happen, not only the final error', async () => {
    const id = uniqueName('kafkalog');
    const cwd = workspace({
      kafka: { brokers: ['127.0.0.1:1'] },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'product-search': { topic: `product-events-${id}`, indexBase: `ps_${id}`, consumerGroup: `g-${id}` } },
    });
    const r = await runCli(['rebuild', 'product-search'], { cwd });
    expect(r.code).toBe(5);
    const retries = r.stderr.split('\n').filter((l) => /^warn: kafka: .*ECONNREFUSED 127\.0\.0\.1:1.*retry \d of 5/.test(l));
    expect(retries.length, r.stderr).toBeGreaterThan(1);
    expect(r.stderr).toContain('error[SOURCE_UNAVAILABLE]');
    expect(r.stderr.indexOf('error[SOURCE_UNAVAILABLE]')).toBeGreaterThan(r.stderr.indexOf('warn: kafka:'));
  }, 120_000);
});
