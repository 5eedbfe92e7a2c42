import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxDownCommand(io: CliIO) {
  const cmd = withSandboxOptions(new Command('down').description('Stop the services `sandbox up` started'))
    .option('--purge', 'also delete their data, logs and runtime copies')
    .addHelpText(
      'after',
      `
${SANDBOX_EXIT_CODES}

Examples:
  readmodel sandbox down
  readmodel sandbox down --purge
`,
    )
    .action(async (opts) => {
      const { runSandboxDown } = await import('../../../sandbox/run.js');
      await runSandboxDown(opts, sandboxDeps(io));
    });
  return behaveLikeProgram(cmd, io);
}
