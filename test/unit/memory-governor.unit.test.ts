import { Writable } from 'node:stream';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { governsMemory, withMemoryGovernor } from '../../src/cli/command-kit.js';
import { buildProgram } from '../../src/cli/main.js';
import { memoryGoverned } from '../../src/cli/memory-governor.js';

const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
const io: CliIO = { stdout: quiet, stderr: quiet, env: {}, cwd: process.cwd(), signal: new AbortController().signal };

function everyCommand(cmd: CommandUnknownOpts, path: string[] = []): Array<{ path: string; cmd: CommandUnknownOpts }> {
  const here = [...path, cmd.name()];
  return [{ path: here.join(' '), cmd }, ...cmd.commands.flatMap((sub) => everyCommand(sub, here))];
}

// One file, run in order: the governor is process-wide and starts at most once.
describe('the memory governor', () => {
  it('is declared by the long-running, memory-heavy commands only', () => {
    const governed = everyCommand(buildProgram(io))
      .filter((c) => governsMemory(c.cmd))
      .map((c) => c.path);
    expect(governed.sort()).toEqual(
      ['readmodel consume', 'readmodel diff', 'readmodel fixtures publish', 'readmodel rebuild', 'readmodel replay'].sort(),
    );
  });

  it('--help, a usage error and an ungoverned command never start it', async () => {
    await expect(buildProgram(io).parseAsync(['rebuild', '--help'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    await expect(buildProgram(io).parseAsync(['rebuild', 'product-search', '--batch-size', '0'], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
    let seen: boolean | undefined;
    await new Command('light').action(() => void (seen = memoryGoverned())).parseAsync([], { from: 'user' });
    expect(seen).toBe(false);
    expect(memoryGoverned()).toBe(false);
  });

  it("a governed command's action runs with the governor started", async () => {
    let seen: boolean | undefined;
    const heavy = withMemoryGovernor(new Command('heavy').action(() => void (seen = memoryGoverned())));
    await heavy.parseAsync([], { from: 'user' });
    expect(seen).toBe(true);
  });
});
