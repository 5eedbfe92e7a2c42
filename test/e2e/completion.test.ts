import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli, workspace } from '../support/cli.js';

const installed = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const shell = (bin: string, args: string[], input?: string) => {
  const r = spawnSync(bin, args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const scriptFile = (text: string, name: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'readmodel-completion-')), name);
  writeFileSync(file, text);
  return file;
};

/** Every command and subcommand of the program as it is built, so commands added later are covered too. */
function commandTree() {
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const program = buildProgram({ stdout: quiet, stderr: quiet, env: {}, cwd: process.cwd(), signal: new AbortController().signal });
  return {
    top: program.commands.map((c) => c.name()),
    groups: program.commands.filter((c) => c.commands.length).map((c) => ({ name: c.name(), subs: c.commands.map((s) => s.name()) })),
  };
}

/** Where the cursor is after the last word ('' = a new word), what bash would offer. */
function bashComplete(file: string, words: string[]): string[] {
  const quotedWords = words.map((w) => `'${w}'`).join(' ');
  const r = shell('bash', [
    '-c',
    `source '${file}'; COMP_WORDS=(${quotedWords}); COMP_CWORD=${words.length - 1}; _readmodel; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  expect(r.err).toBe('');
  return r.out.split('\n').filter(Boolean);
}

describe('readmodel completion (the built binary)', () => {
  const tree = commandTree();

  it('bash: a valid script that completes every command, subcommands, options, their values and model names', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    const file = scriptFile(r.stdout, 'readmodel.bash');
    expect(shell('bash', ['-n', file]).code).toBe(0);

    expect(bashComplete(file, ['readmodel', '']).sort()).toEqual([...tree.top].sort());
    // A group offers its subcommands (and its own positionals: `lag [model]` also offers models).
    for (const g of tree.groups) expect(bashComplete(file, ['readmodel', g.name, ''])).toEqual(expect.arrayContaining(g.subs));
    expect(bashComplete(file, ['readmodel', 'alias', '']).sort()).toEqual(['rollback', 'show', 'swap']);
    expect(bashComplete(file, ['readmodel', 'al'])).toEqual(['alias']);
    expect(bashComplete(file, ['readmodel', 'alias', 'swap', ''])).toEqual(['availability', 'order-history', 'product-search']);
    expect(bashComplete(file, ['readmodel', '--json', 'alias', 'swap', 'prod'])).toEqual(['product-search']);
    expect(bashComplete(file, ['readmodel', 'alias', 'swap', 'product-search', '--dr'])).toEqual(['--dry-run']);
    expect(bashComplete(file, ['readmodel', 'rebuild', '--on-invalid', ''])).toEqual(['stop', 'skip']);
    // An option's value is not a positional: the model is still the next word.
    expect(bashComplete(file, ['readmodel', 'rebuild', '--batch-size', '500', 'or'])).toEqual(['order-history']);
    expect(bashComplete(file, ['readmodel', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes the models a config registers, and says so when the config here cannot be read', async () => {
    const cwd = workspace({ models: { 'product-search': { topic: 'x' } } });
    const ok = await runCli(['completion', 'bash'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');

    const broken = workspace({ models: { 'product-serch': {} } });
    const r = await runCli(['completion', 'bash'], { cwd: broken });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: the config here was not read .*product-serch.*; completing the shipped models only\n$/);
    const given = await runCli(['completion', 'bash', '--config', path.join(broken, 'readmodel.config.json')]);
    expect(given.code).toBe(3);
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });

  // zsh and fish are checked where they are installed (apt-get install zsh fish).
  if (installed('zsh')) {
    it('zsh: a valid script whose completion function offers the same words', async () => {
      const r = await runCli(['completion', 'zsh']);
      expect(r.code, r.stderr).toBe(0);
      const file = scriptFile(r.stdout, '_readmodel');
      expect(shell('zsh', ['-n', file]).code).toBe(0);
      // compadd/_describe are stubbed to print what the completion function offers.
      const offered = (words: string[]) => {
        const w = words.map((x) => `'${x}'`).join(' ');
        const out = shell('zsh', [
          '-c',
          `compdef() { :; }; source '${file}'
compadd() { while [[ $1 == -* ]]; do shift; done; print -l -- "$@"; }
_describe() { print -l -- "\${reply[@]%%:*}"; }
words=(${w}); CURRENT=${words.length}; _readmodel`,
        ]);
        expect(out.err).toBe('');
        return out.out.split('\n').filter(Boolean);
      };
      expect(offered(['readmodel', '']).sort()).toEqual([...tree.top].sort());
      expect(offered(['readmodel', 'alias', '']).sort()).toEqual(['rollback', 'show', 'swap']);
      expect(offered(['readmodel', 'alias', 'swap', ''])).toEqual(['availability', 'order-history', 'product-search']);
      expect(offered(['readmodel', 'rebuild', '--on-invalid', ''])).toEqual(['stop', 'skip']);
      expect(offered(['readmodel', 'alias', 'rollback', '-'])).toContain('--dry-run');
    });
  }

  if (installed('fish')) {
    it('fish: a valid script that completes subcommands, options, values and models', async () => {
      const r = await runCli(['completion', 'fish']);
      expect(r.code, r.stderr).toBe(0);
      const file = scriptFile(r.stdout, 'readmodel.fish');
      expect(shell('fish', ['-n', file]).code).toBe(0);
      const offered = (line: string) => {
        const out = shell('fish', ['-c', `source '${file}'; complete -C'${line}'`]);
        expect(out.err).toBe('');
        return out.out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0]);
      };
      expect(offered('readmodel ').sort()).toEqual([...tree.top].sort());
      expect(offered('readmodel alias ')).toEqual(['rollback', 'show', 'swap']);
      expect(offered('readmodel alias swap ')).toEqual(['availability', 'order-history', 'product-search']);
      expect(offered('readmodel rebuild --on-invalid ')).toEqual(['skip', 'stop']);
      expect(offered('readmodel alias swap product-search --d')).toEqual(['--dry-run']);
    });
  }
});
