import { Command, Option } from '@commander-js/extra-typings';
import { UsageError } from '../../../core/errors.js';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, indexNameOption, withConnectionOptions, withHelp, withProgress } from '../../command-kit.js';
import { swapText } from '../../output/swap-text.js';
import { reportSwapPlan } from './report-swap-plan.js';

export function aliasSwapCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('swap')
      .description('Atomically point <model>_current at a complete index built for the model (gated)')
      .argument('<model>', 'read model')
      .requiredOption('--to <index>', 'the index to expose, e.g. product_search_v1_ab12cd34ef', indexNameOption('--to'))
      .option('--override-gates', 'swap even if gates fail (every overridden verdict is written into the swap history)')
      .option('--dry-run', 'run the checks and gates, print every verdict and the _aliases request that would be sent; change nothing')
      // Declared only to answer the habit of typing --force with the flag that does exist.
      .addOption(new Option('--force').hideHelp()),
  ).action(async (modelName, flags) => {
    if (flags.force) {
      throw new UsageError('alias swap has no --force: overriding swap gates is --override-gates', {
        suggestion: `readmodel alias swap ${modelName} --to ${flags.to} --override-gates`,
      });
    }
    const { connect } = await import('../../connect.js');
    const { planAliasSwap, runAliasSwap } = await import('../../../app/run-alias.js');
    const { gatesFor } = await import('../../../app/swap-gates.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const options = {
        model,
        to: flags.to,
        overrideGates: Boolean(flags.overrideGates),
        gates: gatesFor(model, c.config.models[model.name]?.gates, sink),
      };
      if (flags.dryRun) {
        const plan = await withProgress(io, flags, (progress) => planAliasSwap(options, { sink, progress }));
        return reportSwapPlan(io, plan, Boolean(flags.json));
      }
      const r = await withProgress(io, flags, (progress) => runAliasSwap(options, { sink, progress }));
      if (flags.json) return writeJson(io, r);
      io.stdout.write(swapText(r));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: {
        0: 'swapped (--dry-run: would swap)',
        2: 'usage (unknown model, missing index)',
        3: 'config',
        6: 'search engine unavailable or its answer unreadable',
        7: 'a swap gate refused (also: the index is incomplete or built for another model)',
        8: 'conflict (already live, the alias moved meanwhile)',
        11: 'another run leases the index',
      },
      examples: [
        'readmodel alias swap product-search --to product_search_v1_ab12cd34ef',
        'readmodel alias swap product-search --to product_search_v1_ab12cd34ef --dry-run   # verdicts + the _aliases request, nothing changed',
        'readmodel alias swap product-search --to product_search_v1_ab12cd34ef --override-gates --json',
      ],
      seeAlso: ['readmodel alias show', 'readmodel alias rollback', 'readmodel diff', 'readmodel rebuild'],
    }),
    io,
  );
}
