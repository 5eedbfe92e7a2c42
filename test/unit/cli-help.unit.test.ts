import { Writable } from 'node:stream';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { buildProgram } from '../../src/cli/main.js';

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
});
