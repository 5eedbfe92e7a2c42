import { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, topicNameOption, withConnectionOptions, withProgress } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';
import { UsageError } from '../../core/errors.js';

interface ReplayFlags extends GlobalFlags {
  aggregateId: string[];
  since?: string;
  toIndex?: string;
  dryRun?: boolean;
  topic?: string;
}

export function replayCommand(io: CliIO): Command {
  const cmd = withConnectionOptions(
    new Command('replay')
      .description(
        'Partial replay: rebuild the documents of a few aggregates from their events alone and write them,\n' +
          'guarded by aggregate version (newer state written by the live consumer is kept).',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .requiredOption('--aggregate-id <id...>', 'aggregate id(s) to replay (repeat or list)')
      .option('--since <iso>', 'read from the first event at or after this time (default: earliest)')
      .option('--to-index <index>', 'write here instead of the index behind <model>_current (an existing build of this model)', indexNameOption('--to-index'))
      .option('--dry-run', 'print the documents it would write; write nothing')
      .option('--topic <name>', "source topic (default: the model's)", topicNameOption('--topic')),
  )
    .addHelpText('after', '\nExample:\n  readmodel replay product-search --aggregate-id p0042 --aggregate-id p0077 --dry-run --json\n')
    .action(async (modelName: string, flags: ReplayFlags) => {
      const since = flags.since ? new Date(flags.since) : undefined;
      if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since is not an ISO-8601 time: "${flags.since}"`);
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
                ...(since ? { since } : {}),
                ...(flags.toIndex ? { toIndex: flags.toIndex } : {}),
                ...(flags.topic ? { topic: flags.topic } : {}),
                dryRun: Boolean(flags.dryRun),
                signal: io.signal,
              },
              { source, sink, progress },
            );
            if (flags.json) return writeJson(io, r);
            const lines = [
              `scanned ${r.eventsScanned} events in partition(s) ${r.partitions.map((p) => p.partition).join(',')} of ${r.topic}; ${r.eventsMatched} matched`,
            ];
            for (const d of r.documents) lines.push(`  ${d.id}: ${d.action === 'none' ? 'no events found' : `${d.action} at version ${d.version}`}`);
            if (r.dryRun) {
              lines.push('dry run: nothing written. Documents:');
              for (const d of r.documents) if (d.doc) lines.push(JSON.stringify(d.doc));
            } else lines.push(`${r.target}: ${r.written} written, ${r.deleted} deleted, ${r.keptNewer} kept (newer in the index)`);
            io.stdout.write(`${lines.join('\n')}\n`);
          } finally {
            await sink.close();
          }
        });
      } finally {
        await source.close();
      }
    });
  return behaveLikeProgram(cmd, io);
}
