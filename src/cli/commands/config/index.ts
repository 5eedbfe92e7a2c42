import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { configShowCommand } from './show.js';

export function configCommand(io: CliIO) {
  return withHelp(behaveLikeProgram(new Command('config'), io), {
    exitCodes: { 0: 'ok', 2: 'usage', 3: 'config' },
    examples: ['readmodel config show --json'],
    seeAlso: ['readmodel sandbox status'],
  })
    .description('Inspect the configuration readmodel would use')
    .addCommand(configShowCommand(io));
}
