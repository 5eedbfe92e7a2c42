import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram } from '../../command-kit.js';
import { configShowCommand } from './show.js';

export function configCommand(io: CliIO) {
  return behaveLikeProgram(new Command('config'), io)
    .description('Inspect the configuration readmodel would use')
    .addHelpText('after', '\nExit codes: 0 ok, 2 usage, 3 config.\n\nExample:\n  readmodel config show --json\n')
    .addCommand(configShowCommand(io));
}
