import { Writable } from 'node:stream';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { buildProgram } from '../../src/cli/main.js';
import { behaveLikeProgram, helpFooter } from '../../src/cli/command-kit.js';
import { ExitCode } from '../../src/core/errors.js';

function capturingIo(): { io: CliIO; take: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const io: CliIO = { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), signal: new AbortController().signal };
  return {
    io,
    take: () => {
      const text = out;
      out = '';
      return text;
    },
  };
}

function everyCommand(cmd: CommandUnknownOpts, path: string[] = []): Array<{ path: string; cmd: CommandUnknownOpts }> {
  const here = [...path, cmd.name()];
  return [{ path: here.join(' '), cmd }, ...cmd.commands.flatMap((sub) => everyCommand(sub, here))];
}

describe('readmodel help', () => {
  const { io, take } = capturingIo();
  const program = buildProgram(io);
  const all = everyCommand(program);

  it('covers every command and subcommand', () => {
    const paths = all.map((c) => c.path);
    for (const p of [
      'readmodel rebuild',
      'readmodel alias swap',
      'readmodel alias show',
      'readmodel alias rollback',
      'readmodel config show',
      'readmodel sandbox up',
      'readmodel sandbox down',
      'readmodel sandbox status',
      'readmodel lag serve',
      'readmodel fixtures publish',
      'readmodel completion',
      'readmodel help',
    ]) {
      expect(paths).toContain(p);
    }
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))('%s has a description, examples and an "Exit codes" line', (_path, cmd) => {
    expect(cmd.description().trim()).not.toBe('');
    cmd.outputHelp();
    const help = take();
    expect(help).toMatch(/\nExamples?:\n {2}readmodel /);
    expect(help).toMatch(/\nExit codes: /);
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))('%s describes every option it shows', (_path, cmd) => {
    for (const option of cmd.options.filter((o) => !o.hidden)) expect(option.description.trim(), option.flags).not.toBe('');
  });

  const documented = new Set<number>(Object.values(ExitCode));

  it.each(all.map((c) => [c.path, c.cmd] as const))('%s lists only exit codes of the README table, 0 included', (_path, cmd) => {
    cmd.outputHelp();
    const paragraph = /\nExit codes: ([\s\S]*?)(?:\n\n|$)/.exec(take())![1]!;
    // Each entry starts a clause: "0 ok, 2 usage (...), 7 ...", also after ";".
    const codes = [...paragraph.matchAll(/(?:^|[,;]\s*)(\d+)\s/g)].map((m) => Number(m[1]));
    expect(codes).toContain(0);
    for (const code of codes) expect(documented, `exit code ${code}`).toContain(code);
  });

  it.each(all.filter((c) => c.path !== 'readmodel').map((c) => [c.path, c.cmd] as const))('%s has an example of itself', (path, cmd) => {
    cmd.outputHelp();
    const examples = /\nExamples?:\n((?: {2}.*\n?)+)/.exec(take())![1]!;
    expect(examples.split('\n').some((line) => line.trim().startsWith(path))).toBe(true);
  });

  it('"help alias swap" shows the help of swap, as "alias swap --help" does', async () => {
    const swap = all.find((c) => c.path === 'readmodel alias swap')!.cmd;
    swap.outputHelp();
    const direct = take();
    await buildProgram(io).parseAsync(['help', 'alias', 'swap'], { from: 'user' });
    expect(take()).toBe(direct);
    expect(direct).toMatch(/^Usage: readmodel alias swap /);
  });

  it('"help" with an unknown path is a usage error naming the known commands', async () => {
    await expect(buildProgram(io).parseAsync(['help', 'alias', 'swp'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
      context: { known: 'show, swap, rollback' },
    });
  });

  it('a command added without examples and exit codes is found by the walk', () => {
    const extra = buildProgram(io);
    extra.commands
      .find((c) => c.name() === 'alias')!
      .addCommand(behaveLikeProgram(new Command('bare'), io).description('added without help'));
    const bare = everyCommand(extra).find((c) => c.path === 'readmodel alias bare')!;
    bare.cmd.outputHelp();
    const help = take();
    expect(help).toContain('added without help');
    expect(help).not.toMatch(/\nExamples?:\n {2}readmodel /);
    expect(help).not.toMatch(/\nExit codes: /);
  });

  it('withHelp renders exit codes and examples in the format every command uses', () => {
    const text = helpFooter({ exitCodes: { 0: 'done', 7: 'refused' }, examples: ['readmodel x', 'readmodel x --json'] });
    expect(text).toBe('\nExit codes: 0 done, 7 refused.\n\nExamples:\n  readmodel x\n  readmodel x --json\n');
  });
});
