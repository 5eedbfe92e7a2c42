import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, parseIntOption, withConnectionOptions, withHelp } from '../command-kit.js';
import { pruneText } from '../output/prune-text.js';

export function pruneCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('prune')
      .summary('Delete old builds of a read model that nothing uses or may roll back to')
      .description(
        'Delete old builds of a read model: only complete builds of this model (by manifest) that no alias points at,\n' +
          'that no run leases, and that are not among the last --keep rollback targets. Lists what it keeps and why.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .option('--keep <n>', 'rollback targets to keep (the next N indices `alias rollback` would go to)', parseIntOption('--keep'), 2)
      .option('--dry-run', 'list what would be deleted and kept, delete nothing'),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../connect.js');
    const { runPrune } = await import('../../app/run-prune.js');
    const { silentProgress } = await import('../../core/progress/progress-events.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const r = await runPrune({ model, keep: flags.keep, dryRun: Boolean(flags.dryRun) }, { sink, progress: silentProgress });
      if (flags.json) return writeJson(io, r);
      io.stdout.write(pruneText(r));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes:
        "Never deleted: the live index, any aliased index, indices without this model's manifest, incomplete or\n" +
        'leased builds, complete builds finished after the last swap (candidates), the next --keep rollback targets.',
      exitCodes: { 0: 'done (or nothing to delete)', 2: 'usage', 3: 'config', 6: 'search engine unavailable or unreadable' },
      examples: ['readmodel prune product-search --dry-run', 'readmodel prune product-search --keep 1 --json'],
      seeAlso: ['readmodel alias show', 'readmodel alias rollback', 'readmodel rebuild'],
    }),
    io,
  );
}
