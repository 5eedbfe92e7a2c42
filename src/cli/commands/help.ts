import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from '../../core/errors.js';
import type { CliIO } from '../cli-io.js';
import { behaveLikeProgram, withHelp } from '../command-kit.js';

/**
 * `readmodel help alias swap`: commander's own help command stops at the first name and would show
 * `alias`'s help, so this one walks the whole path.
 */
export function helpCommand(io: CliIO) {
  const cmd = new Command('help')
    .description('Show the help of a command or subcommand, e.g. "readmodel help alias swap"')
    .argument('[command...]', 'the command path, e.g. alias swap')
    .action((path, _flags, self) => {
      let target: CommandUnknownOpts = self.parent ?? self;
      const walked: string[] = [];
      for (const name of path) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) {
          throw new UsageError(`unknown command "${['readmodel', ...walked, name].join(' ')}"`, {
            context: { known: target.commands.map((c) => c.name()).join(', ') },
            suggestion: `run "readmodel help${walked.map((w) => ` ${w}`).join('')}" for the list`,
          });
        }
        walked.push(name);
        target = next;
      }
      target.outputHelp();
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: { 0: 'shown', 2: 'usage (no such command)' },
      examples: ['readmodel help', 'readmodel help alias swap', 'readmodel alias swap --help   # the same'],
      seeAlso: ['readmodel completion'],
    }),
    io,
  );
}
