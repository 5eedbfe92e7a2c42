import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxStatusCommand(io: CliIO) {
  const cmd = withSandboxOptions(new Command('status').description('Show each service: running or stopped, pid, endpoint, version, log'))
    .addHelpText(
      'after',
      `
${SANDBOX_EXIT_CODES}

Examples:
  readmodel sandbox status
  readmodel sandbox status --json
`,
    )
    .action(async (opts) => {
      const { runSandboxStatus } = await import('../../../sandbox/run.js');
      await runSandboxStatus(opts, sandboxDeps(io));
    });
  return behaveLikeProgram(cmd, io);
}
