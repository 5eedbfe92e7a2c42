import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxUpCommand(io: CliIO) {
  const cmd = withSandboxOptions(
    new Command('up').description('Start the services (reusing any already running) and wait until each is healthy'),
  )
    .option('--cache-dir <dir>', 'download cache (default ~/.cache/readmodel) [READMODEL_CACHE_DIR]')
    .option('--timeout <seconds>', 'how long each service may take to become healthy (default 180) [READMODEL_SANDBOX_TIMEOUT]')
    .addHelpText(
      'after',
      `
${SANDBOX_EXIT_CODES}

Examples:
  readmodel sandbox up
  readmodel sandbox up --only kafka,opensearch --timeout 300
`,
    )
    .action(async (opts) => {
      const { runSandboxUp } = await import('../../../sandbox/run.js');
      await runSandboxUp(opts, sandboxDeps(io));
    });
  return behaveLikeProgram(cmd, io);
}
