import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import {
  behaveLikeProgram,
  indexNameOption,
  isoTimeOption,
  topicNameOption,
  withConnectionOptions,
  withProgress,
  withHelp,
  withMemoryGovernor,
} from '../command-kit.js';
import { replayText } from '../output/replay-text.js';

export function replayCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('replay')
      .summary('Rebuild the documents of a few aggregates from their events')
      .description(
        'Partial replay: rebuild the documents of a few aggregates from their events alone and write them,\n' +
          'guarded by aggregate version (newer state written by the live consumer is kept).',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .requiredOption('--aggregate-id <id...>', 'aggregate id(s) to replay (repeat or list)')
      .option('--since <iso>', 'read from the first event at or after this time (default: earliest)', isoTimeOption('--since'))
      .option(
        '--to-index <index>',
        'write here instead of the index behind <model>_current (an existing build of this model)',
        indexNameOption('--to-index'),
      )
      .option('--dry-run', 'print the documents it would write; write nothing')
      .option('--topic <name>', "source topic (default: the model's)", topicNameOption('--topic')),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../connect.js');
    const { runReplay } = await import('../../app/run-replay.js');
    const { loadModelAssets } = await import('../../app/model-assets.js');
    const { PACKAGE_ROOT } = await import('../../config/load-config.js');
    const c = await connect(io, flags);
    const assets = await loadModelAssets(await c.model(modelName), { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT });
    const source = c.source();
    try {
      await withProgress(io, flags, async (progress) => {
        const sink = c.sink(progress);
        try {
          const r = await runReplay(
            {
              assets,
              aggregateIds: flags.aggregateId.flatMap((s) => s.split(',')).filter(Boolean),
              ...(flags.since ? { since: flags.since } : {}),
              ...(flags.toIndex ? { toIndex: flags.toIndex } : {}),
              ...(flags.topic ? { topic: flags.topic } : {}),
              dryRun: Boolean(flags.dryRun),
              signal: io.signal,
            },
            { source, sink, progress },
          );
          if (flags.json) return writeJson(io, r);
          io.stdout.write(replayText(r));
        } finally {
          await sink.close();
        }
      });
    } finally {
      await source.close();
    }
  });
  return behaveLikeProgram(
    withMemoryGovernor(
      withHelp(cmd, {
        exitCodes: {
          0: 'replayed (or printed, with --dry-run)',
          1: 'the engine refused a document',
          2: 'usage (unknown model, --to-index not a build of it)',
          3: 'config',
          4: 'invalid event',
          5: 'Kafka unavailable',
          6: 'search engine unavailable',
          8: 'a replayed document kept missing by a delete made outside readmodel (NOT_RESTORED)',
          10: '--to-index is not a build of this model (NOT_OWNED)',
          130: 'aborted',
        },
        examples: [
          'readmodel replay product-search --aggregate-id p0042 --aggregate-id p0077 --dry-run --json',
          'readmodel replay product-search --aggregate-id p0042 --since 2026-11-01T00:00:00Z',
        ],
        seeAlso: ['readmodel get', 'readmodel rebuild', 'readmodel consume'],
      }),
    ),
    io,
  );
}
