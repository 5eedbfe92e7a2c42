import { Writable } from 'node:stream';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { buildProgram } from '../../src/cli/main.js';
import { behaveLikeProgram, helpFooter, helpOf } from '../../src/cli/command-kit.js';
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

/** The words of the readmodel command line in an example, up to a pipe, redirect or comment (quotes removed). */
function exampleWords(example: string): string[] {
  const from = example.indexOf('readmodel ');
  const words: string[] = [];
  for (const m of example.slice(from).matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const bare = m[3];
    if (bare !== undefined && /^(\||>|#|&&|;|\))/.test(bare)) break;
    words.push(m[1] ?? m[2] ?? bare!.replace(/\)$/, ''));
  }
  return words.slice(1);
}

/** The command an example runs (its longest command path) and the arguments that command parses. */
function resolveExample(program: CommandUnknownOpts, example: string): { target: CommandUnknownOpts; args: string[] } {
  const words = exampleWords(example);
  let target = program;
  let i = 0;
  for (; i < words.length; i++) {
    const next = target.commands.find((c) => c.name() === words[i]);
    if (!next) break;
    target = next;
  }
  return { target, args: words.slice(i) };
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

  it('withHelp renders exit codes, examples and related commands in the format every command uses', () => {
    const text = helpFooter({
      exitCodes: { 0: 'done', 7: 'refused' },
      examples: ['readmodel x', 'readmodel x --json'],
      seeAlso: ['readmodel y', 'readmodel y z'],
    });
    expect(text).toBe(
      '\nExit codes: 0 done, 7 refused.\n\nExamples:\n  readmodel x\n  readmodel x --json\n\nSee also: readmodel y, readmodel y z.\n',
    );
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))(
    '%s declares its help with withHelp: one exit-code paragraph, examples, see also',
    (_path, cmd) => {
      const declared = helpOf(cmd);
      expect(declared, 'declared with withHelp()').toBeDefined();
      cmd.outputHelp();
      const help = take();
      expect(help.match(/\nExit codes: /g)).toHaveLength(1);
      expect(help).toMatch(/\n\nSee also: readmodel[^\n]*\.\n+$/);
      expect(declared!.seeAlso.length).toBeGreaterThan(0);
    },
  );

  const paths = new Set(all.map((c) => c.path));

  it.each(all.map((c) => [c.path, c.cmd] as const))('%s: every "see also" is another existing command', (path, cmd) => {
    for (const related of helpOf(cmd)?.seeAlso ?? []) {
      expect(paths, related).toContain(related);
      expect(related).not.toBe(path);
    }
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))(
    '%s: every example parses with the flags and values its command declares',
    (_path, cmd) => {
      for (const example of helpOf(cmd)?.examples ?? []) {
        // A fresh tree per example: parsing stores option values on the commands.
        const { target, args } = resolveExample(buildProgram(capturingIo().io), example);
        const { operands, unknown } = target.parseOptions(args.filter((a) => a !== '--help'));
        expect(unknown, example).toEqual([]);
        // `... --help` shows the help whatever else the line lacks.
        if (args.includes('--help')) continue;
        const declaredArgs = target.registeredArguments;
        const required = declaredArgs.filter((a) => a.required).length;
        expect(operands.length, example).toBeGreaterThanOrEqual(required);
        if (!declaredArgs.some((a) => a.variadic)) expect(operands.length, example).toBeLessThanOrEqual(declaredArgs.length);
      }
    },
  );
});
