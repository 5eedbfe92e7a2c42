import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli, workspace } from '../support/cli.js';
import { brokers, nodeFor, uniqueName } from '../support/services.js';

/**
 * The interactive UI for real: the built binary runs inside a detached tmux session (a real
 * pseudo-terminal, raw mode and all), we read the screen with capture-pane and press keys with
 * send-keys. Needs tmux on the PATH; without it this test fails rather than skipping silently.
 */

const SOCKET = `readmodel-tui-${process.pid}-${Date.now().toString(36)}`;
const SESSION = 'tui';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
}

function capture(): string {
  // -J joins wrapped lines; -S -200 includes what scrolled off.
  return tmux('capture-pane', '-p', '-J', '-t', SESSION, '-S', '-200');
}

async function waitForPane(what: string, ok: (pane: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let pane = '';
  while (Date.now() < until) {
    pane = capture();
    if (ok(pane)) return pane;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the pane shows:\n${pane}`);
}

/**
 * The content of a file the shell in the pane writes, once it is complete (non-empty and ending in a
 * newline): the pane may show a line before the shell has written the files after it.
 */
async function waitForFile(what: string, file: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let content = '';
  while (Date.now() < until) {
    content = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (content.endsWith('\n')) return content;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${file}; it holds: ${JSON.stringify(content)}`);
}

/** Fails (never skips) when the test cannot run for real. */
function requirements(): void {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'tmux is required by test/e2e/tui-tmux.test.ts (it drives the TUI in a real terminal) but was not found: ' +
        'install it (Debian/Ubuntu: apt-get install -y tmux) and re-run.',
    );
  }
  if (!existsSync(path.join(path.dirname(BIN), '../dist/cli/output/ink-view.js'))) {
    throw new Error('the built CLI is missing: run `npm run build` first');
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('interactive terminal UI in tmux', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('renders phase, partition bars, rates, target and alias; q aborts with exit 130 and restores the terminal', async () => {
    requirements();
    const id = uniqueName('tui');
    const topic = `product-events-${id}`;
    const indexBase = `ps_${id}`;
    const cwd = workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'product-search': { topic, indexBase, consumerGroup: `g-${id}` } },
    });
    // ~30,000 events over 3 partitions: with small batches the replay runs for seconds.
    const pub = await runCli(
      ['fixtures', 'publish', 'product-search', '--count', '3000', '--partitions', '3', '--topic', topic, '--no-tui'],
      { cwd },
    );
    expect(pub.code, pub.stderr).toBe(0);

    const exitFile = path.join(cwd, 'exit-code');
    const sttyFile = path.join(cwd, 'stty-after');
    // A clean environment: no CI variables (the UI is off in CI), a UTF-8 locale, tmux's own TERM.
    const run = [
      `cd ${shellQuote(cwd)}`,
      `env -i PATH=${shellQuote(process.env.PATH ?? '/usr/bin:/bin')} HOME=${shellQuote(process.env.HOME ?? '/tmp')} LANG=C.UTF-8 TERM="$TERM"` +
        ` ${shellQuote(process.execPath)} ${shellQuote(BIN)} rebuild product-search --batch-size 25`,
      'rc=$?',
      'echo "[readmodel exited $rc]"',
      `echo $rc > ${shellQuote(exitFile)}`,
      `stty -a > ${shellQuote(sttyFile)}`,
      'exec sleep 600',
    ].join('; ');
    writeFileSync(path.join(cwd, 'run.sh'), `${run}\n`);
    tmux(
      '-u',
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      '120',
      '-y',
      '40',
      `sh ${shellQuote(path.join(cwd, 'run.sh'))}`,
    );

    // The TUI while replaying: wait for bars that have moved.
    const live = await waitForPane('the replay screen with partition bars', (p) => p.includes('▶ replay') && /\ball\s+█/.test(p));
    writeFileSync(path.join(cwd, 'pane-replay.txt'), live);
    // The header names the model, the topic and brokers read, the index, engine and cluster written.
    expect(live).toMatch(/readmodel product-search\s+replay/);
    expect(live).toContain(`source  topic ${topic} · brokers ${brokers().join(',')}`);
    expect(live).toMatch(new RegExp(`target  ${indexBase}_v\\S+ · opensearch \\S+ cluster \\S+`));
    // No --swap: the phases that will not run are not listed.
    expect(live).toContain('✔ connect › ✔ snapshot › ▶ replay › finalize');
    expect(live).not.toMatch(/gates|catch-up/);
    expect(live).toMatch(/status {2}partition \d offset \d+ of \d+/);
    expect(live).toContain(`alias   ${indexBase}_current -> (no index yet)`);
    for (const p of [0, 1, 2]) expect(live).toMatch(new RegExp(`partition ${p}\\s+[█░]+\\s+\\d+%\\s+offset\\s+\\d+ of\\s+\\d+`));
    expect(live).toMatch(/rate\s+[\d,]+ events\/s\s+·\s+[\d,]+ docs\/s\s+·\s+bulk [\d,]+ ms/);
    expect(live).toMatch(/ETA\s+\S+/);
    expect(live).toMatch(/retries\s+\d+/);
    expect(live).toMatch(/invalid\s+\d+/);
    expect(live).toContain('warnings & errors');
    expect(live).toContain('q / Ctrl-C  abort');
    expect(existsSync(exitFile), `the rebuild ended before q could be pressed:\n${live}`).toBe(false);

    tmux('send-keys', '-t', SESSION, 'q');

    const end = await waitForPane('the process to exit', (p) => p.includes('[readmodel exited'));
    writeFileSync(path.join(cwd, 'pane-end.txt'), end);
    const code = (await waitForFile('the exit code', exitFile)).trim();
    expect(code, `pane:\n${end}`).toBe('130');
    // The last frame stays, says why it stopped, and the error report prints below it.
    expect(end).toContain('stopped: aborted (q pressed)');
    // What the abort left: the alias as it was, the incomplete index.
    expect(end).toContain(`alias ${indexBase}_current untouched (still on no index)`);
    expect(end).toMatch(new RegExp(`left behind: incomplete index ${indexBase}_v\\S+ \\(not live; re-running the rebuild replaces it\\)`));
    expect(end).not.toContain('q / Ctrl-C  abort');
    const lines = end.split('\n');
    const lastFrameLine = lines.findLastIndex((l) => l.includes('stopped: aborted'));
    const reportLine = lines.findIndex((l) => l.startsWith('error[ABORTED]: aborted by the operator'));
    expect(reportLine, `pane:\n${end}`).toBeGreaterThan(lastFrameLine);
    // Raw mode is off again: the shell after us reads lines and echoes.
    const stty = (await waitForFile('the terminal settings after the run', sttyFile)).split(/\s+/);
    expect(stty).toContain('icanon');
    expect(stty).toContain('echo');
  });
});
