import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxStatusCommand(io: CliIO) {
  const cmd = withSandboxOptions(
    new Command('status').description('Show each service: running or stopped, pid, endpoint, version, Java, log'),
  ).action(async (opts) => {
    const { runSandboxStatus } = await import('../../../sandbox/run.js');
    await runSandboxStatus(opts, sandboxDeps(io));
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: SANDBOX_EXIT_CODES,
      examples: [
        'readmodel sandbox status',
        'readmodel sandbox status --json',
        'readmodel sandbox status --state-dir /var/tmp/readmodel-oldest',
      ],
      seeAlso: ['readmodel sandbox up', 'readmodel sandbox down'],
    }),
    io,
  );
}
