import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { sandboxDownCommand } from './down.js';
import { SANDBOX_EXIT_CODES } from './common-options.js';
import { sandboxStatusCommand } from './status.js';
import { sandboxUpCommand } from './up.js';

/**
 * `readmodel sandbox up|down|status`: a thin shell over src/sandbox, which is loaded only when one
 * of these actions runs.
 */
export function sandboxCommand(io: CliIO) {
  return withHelp(behaveLikeProgram(new Command('sandbox'), io), {
    exitCodes: SANDBOX_EXIT_CODES,
    examples: ['readmodel sandbox up', 'readmodel sandbox status', 'readmodel sandbox down'],
    seeAlso: ['readmodel config show', 'readmodel fixtures publish'],
  })
    .description('Real local Kafka, OpenSearch and Elasticsearch on 127.0.0.1 for development and tests')
    .addCommand(sandboxUpCommand(io))
    .addCommand(sandboxDownCommand(io))
    .addCommand(sandboxStatusCommand(io));
}
