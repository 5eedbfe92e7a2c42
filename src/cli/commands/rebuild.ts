import { Command, Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, withRetryBudgetOption, parseIntOption, withConnectionOptions, withProgress } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

interface RebuildFlags extends GlobalFlags {
  from?: string;
  fromTime?: string;
  to?: string;
  topic?: string;
  onInvalid: 'stop' | 'skip';
  force?: boolean;
  swap?: boolean;
  batchSize: number;
  cacheSize: number;
  replicas?: number;
  catchUpLag: number;
  catchUpRounds: number;
}

export function rebuildCommand(io: CliIO): Command {
  const cmd = withConnectionOptions(
    new Command('rebuild')
      .description(
        'Replay a read model from explicit Kafka offsets into a fresh versioned index <model>_v<N>_<hash>.\n' +
          'Finite (end offsets are snapshotted at start), joins no consumer group, commits nothing, never writes the live alias.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .option('--from <offsets>', 'start offsets: "earliest" (default) or partition:offset pairs, e.g. 0:120,1:98')
      .option('--from-time <iso>', 'start at the first event at or after this time, per partition')
      .option('--to <offsets>', 'end offsets (exclusive): the snapshot at start (default) or partition:offset pairs')
      .option('--topic <name>', "source topic (default: the model's)")
      .addOption(new Option('--on-invalid <action>', 'what an invalid event does').choices(['stop', 'skip']).default('stop'))
      .option('--force', 'rebuild even if a complete index of this build exists')
      .option('--swap', 'swap the alias to the new index after a successful build')
      .option('--batch-size <n>', 'events folded per bulk batch', parseIntOption('--batch-size'), 2000)
      .option('--cache-size <n>', 'documents kept in memory between batches', parseIntOption('--cache-size'), 10_000)
      .option('--replicas <n>', 'replicas after the load (0 during it)', parseIntOption('--replicas')),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 built (or already built), 2 usage, 3 config, 4 invalid event, 5 Kafka unavailable,
6 search engine unavailable, 7 swap gate refused, 8 conflict, 130 aborted.

Examples:
  readmodel rebuild product-search
  readmodel rebuild product-search --from 0:120,1:98 --to 0:5000,1:4800 --json
  readmodel rebuild product-search --on-invalid skip --swap
`,
    )
    .action(async (modelName: string, flags: RebuildFlags) => {
      const { connect } = await import('../connect.js');
      const { runRebuild } = await import('../../app/run-rebuild.js');
      const { loadModelAssets } = await import('../../app/model-assets.js');
      const { parseStartSpec, parseEndSpec } = await import('../../core/rebuild/offset-plan.js');
      const { PACKAGE_ROOT } = await import('../../config/load-config.js');
      const { VERSION } = await import('../version.js');
      const c = await connect(io, flags);
      const model = await c.model(modelName);
      const start = parseStartSpec(flags.from, flags.fromTime);
      const end = parseEndSpec(flags.to);
      const assets = await loadModelAssets(model, { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT });
      const source = c.source();
      await withProgress(io, flags, async (progress) => {
        const sink = c.sink(progress);
        try {
          const { runAliasSwap } = await import('../../app/run-alias.js');
          const { gatesFor } = await import('../../app/swap-gates.js');
          const gates = gatesFor(model, c.config.models[model.name]?.gates, sink);
          const result = await runRebuild(
            {
              assets,
              ...(flags.topic ? { topic: flags.topic } : {}),
              start,
              end,
              onInvalid: flags.onInvalid,
              force: Boolean(flags.force),
              batchSize: flags.batchSize,
              cacheSize: flags.cacheSize,
              ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
              toolVersion: VERSION,
              signal: io.signal,
              ...(flags.swap ? { swap: { gates, force: Boolean(flags.force), maxLag: flags.catchUpLag, maxRounds: flags.catchUpRounds } } : {}),
            },
            { source, sink, progress },
          );
          let swap = result.swap;
          if (flags.swap && result.outcome === 'already-built') {
            // Nothing new to load: expose the existing complete build unless it already is live.
            swap = await runAliasSwap({ model, to: result.manifest.index, gates, force: Boolean(flags.force) }, { sink, progress }).catch((err) => {
              if ((err as { code?: string }).code === 'ALREADY_LIVE') return undefined;
              throw err;
            });
          }
          if (flags.json) writeJson(io, { outcome: result.outcome, manifest: result.manifest, ...(swap ? { swap } : {}) });
          else {
            const m = result.manifest;
            io.stdout.write(
              result.outcome === 'already-built'
                ? `already built: ${m.index} (checksum ${m.checksum}); use --force to rebuild\n`
                : `built ${m.index}: ${m.counts?.eventsRead} events read, ${m.counts?.eventsApplied} applied, ${m.counts?.eventsSkipped} skipped, ${m.counts?.documents} documents, ${m.durationMs} ms\nchecksum ${m.checksum}\n`,
            );
            if (swap) io.stdout.write(`swapped ${swap.alias}: ${swap.from ?? '(none)'} -> ${swap.to}\n`);
          }
        } finally {
          await sink.close();
        }
      }).finally(() => source.close());
    });
  return behaveLikeProgram(withRetryBudgetOption(cmd), io);
}
