import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, withConnectionOptions, withHelp, withProgress } from '../../command-kit.js';
import { swapText } from '../../output/swap-text.js';
import { reportSwapPlan } from './report-swap-plan.js';

export function aliasRollbackCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('rollback')
      .description('Atomically point <model>_current back at the index it pointed at before the last swap')
      .argument('<model>', 'read model')
      .option('--dry-run', 'print where the rollback would go, the checks and the _aliases request that would be sent; change nothing'),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../../connect.js');
    const { planAliasRollback, runAliasRollback } = await import('../../../app/run-alias.js');
    const c = await connect(io, flags);
    const sink = c.sink();
    try {
      const model = await c.model(modelName);
      if (flags.dryRun) {
        const plan = await withProgress(io, flags, (progress) => planAliasRollback({ model }, { sink, progress }));
        return reportSwapPlan(io, plan, Boolean(flags.json));
      }
      const r = await withProgress(io, flags, (progress) => runAliasRollback({ model }, { sink, progress }));
      if (flags.json) return writeJson(io, r);
      io.stdout.write(swapText(r, 'rolled back'));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: {
        0: 'rolled back (--dry-run: would roll back)',
        2: 'usage (unknown model, no earlier index in the swap history)',
        3: 'config',
        6: 'search engine unavailable or its answer unreadable',
        7: 'the previous index is incomplete or built for another model',
        8: 'conflict (the previous index is gone, the alias moved meanwhile)',
        11: 'another run leases the previous index',
      },
      examples: [
        'readmodel alias rollback product-search',
        'readmodel alias rollback product-search --dry-run   # where it would go + the _aliases request, nothing changed',
        'readmodel alias rollback product-search --json',
      ],
      seeAlso: ['readmodel alias show', 'readmodel alias swap'],
    }),
    io,
  );
}
