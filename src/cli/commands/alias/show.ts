import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, withConnectionOptions, withHelp } from '../../command-kit.js';
import { aliasShowText } from '../../output/alias-show-text.js';

export function aliasShowCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('show')
      .description('Show where <model>_current points, the candidate indices and the swap history')
      .argument('<model>', 'read model'),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../../connect.js');
    const { runAliasShow } = await import('../../../app/run-alias.js');
    const { silentProgress } = await import('../../../core/progress/progress-events.js');
    const c = await connect(io, flags);
    const sink = c.sink();
    try {
      const state = await runAliasShow({ model: await c.model(modelName) }, { sink, progress: silentProgress });
      if (flags.json) return writeJson(io, state);
      io.stdout.write(aliasShowText(state));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: { 0: 'shown', 2: 'usage (unknown model)', 3: 'config', 6: 'search engine unavailable or its answer unreadable' },
      examples: ['readmodel alias show product-search', 'readmodel alias show product-search --json'],
      seeAlso: ['readmodel alias swap', 'readmodel alias rollback', 'readmodel prune', 'readmodel lag'],
    }),
    io,
  );
}
