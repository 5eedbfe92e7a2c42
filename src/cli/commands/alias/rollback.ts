import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, withConnectionOptions, withProgress } from '../../command-kit.js';
import { swapText } from '../../output/swap-text.js';

export function aliasRollbackCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('rollback')
      .description('Atomically point <model>_current back at the index it pointed at before the last swap')
      .argument('<model>', 'read model'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 rolled back, 2 usage (unknown model, no earlier index), 3 config, 6 search engine unavailable,
8 conflict (the previous index is gone, the alias moved meanwhile).

Examples:
  readmodel alias rollback product-search
  readmodel alias rollback product-search --json
`,
    )
    .action(async (modelName, flags) => {
      const { connect } = await import('../../connect.js');
      const { runAliasRollback } = await import('../../../app/run-alias.js');
      const c = await connect(io, flags);
      const sink = c.sink();
      try {
        const model = await c.model(modelName);
        const r = await withProgress(io, flags, (progress) => runAliasRollback({ model }, { sink, progress }));
        if (flags.json) return writeJson(io, r);
        io.stdout.write(swapText(r, 'rolled back'));
      } finally {
        await sink.close();
      }
    });
  return behaveLikeProgram(cmd, io);
}
