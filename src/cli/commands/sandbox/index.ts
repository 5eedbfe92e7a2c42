import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram } from '../../command-kit.js';
import { sandboxDownCommand } from './down.js';
import { SANDBOX_EXIT_CODES } from './common-options.js';
import { sandboxStatusCommand } from './status.js';
import { sandboxUpCommand } from './up.js';

/**
 * `readmodel sandbox up|down|status`: a thin shell over src/sandbox, which is loaded only when one
 * of these actions runs.
 */
export function sandboxCommand(io: CliIO) {
  return behaveLikeProgram(new Command('sandbox'), io)
    .description('Real local Kafka, OpenSearch and Elasticsearch on 127.0.0.1 for development and tests')
    .addHelpText(
      'after',
      `\n${SANDBOX_EXIT_CODES}\n\nExamples:\n  readmodel sandbox up\n  readmodel sandbox status\n  readmodel sandbox down\n`,
    )
    .addCommand(sandboxUpCommand(io))
    .addCommand(sandboxDownCommand(io))
    .addCommand(sandboxStatusCommand(io));
}
