import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxDownCommand(io: CliIO) {
  const cmd = withSandboxOptions(new Command('down').description('Stop the services `sandbox up` started'))
    .option('--purge', 'also delete their data, logs and runtime copies')
    .action(async (opts) => {
      const { runSandboxDown } = await import('../../../sandbox/run.js');
      await runSandboxDown(opts, sandboxDeps(io));
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: SANDBOX_EXIT_CODES,
      examples: ['readmodel sandbox down', 'readmodel sandbox down --purge', 'readmodel sandbox down --only elasticsearch --json'],
      seeAlso: ['readmodel sandbox up', 'readmodel sandbox status'],
    }),
    io,
  );
}
