import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, parseIntOption, withConnectionOptions, withHelp, withMemoryGovernor } from '../command-kit.js';
import { diffText } from '../output/diff-text.js';

export function diffCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('diff')
      .description('Compare two indices of a read model: counts, ids on one side only, changed documents field by field, mapping')
      .argument('<model>', 'read model, e.g. product-search')
      .option('--from <index|alias>', 'the reference side (default: <model>_current)', indexNameOption('--from'))
      .option('--to <index>', 'the candidate side (default: the newest complete index that is not --from)', indexNameOption('--to'))
      .option('--show <n>', 'how many ids and changed documents to list (all are counted)', parseIntOption('--show'), 10)
      .option('--ignore <pointer...>', 'JSON pointers of fields to leave out, e.g. /lastEventAt'),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../connect.js');
    const { runDiff } = await import('../../app/run-diff.js');
    const { DifferencesFound } = await import('../../app/differences-found.js');
    const c = await connect(io, flags);
    const sink = c.sink();
    try {
      const r = await runDiff(
        {
          model: await c.model(modelName),
          ...(flags.from ? { from: flags.from } : {}),
          ...(flags.to ? { to: flags.to } : {}),
          show: flags.show,
          ...(flags.ignore ? { ignoreFields: flags.ignore } : {}),
          signal: io.signal,
        },
        { sink },
      );
      if (flags.json) writeJson(io, r);
      else io.stdout.write(diffText(r));
      if (!r.identical) throw new DifferencesFound(r.changedShare);
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withMemoryGovernor(
      withHelp(cmd, {
        exitCodes: {
          0: 'identical',
          1: 'differences found (the report is printed)',
          2: 'usage (unknown model, index not found, nothing to compare with)',
          3: 'config',
          6: 'search engine unavailable or its answer unreadable',
        },
        examples: ['readmodel diff product-search', 'readmodel diff product-search --to product_search_v1_3f9c2a7b1e --json'],
        seeAlso: ['readmodel alias swap', 'readmodel rebuild', 'readmodel get'],
      }),
    ),
    io,
  );
}
