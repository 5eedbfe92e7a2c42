import { Command, Option } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import {
  behaveLikeProgram,
  positiveDurationOption,
  parseIntOption,
  parsePositiveIntOption,
  withConnectionOptions,
  withHelp,
  withMemoryGovernor,
  withProgress,
  withRetryBudgetOption,
} from '../command-kit.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_CHECKPOINT_MS, DEFAULT_HOLD_WRITES } from '../../core/rebuild/rebuild-defaults.js';
import { createProgressBus } from '../../core/progress/progress-events.js';
import { rebuildText } from '../output/rebuild-text.js';
import { runPreflightCommand, withPreflightOptions } from './check.js';
import { rebuildInputs } from '../rebuild-inputs.js';

export function rebuildCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    withPreflightOptions(
      new Command('rebuild')
        .summary('Replay a read model from explicit Kafka offsets into a fresh versioned index')
        .description(
          'Replay a read model from explicit Kafka offsets into a fresh versioned index <model>_v<N>_<hash>.\n' +
            'Finite (end offsets are snapshotted at start), joins no consumer group, commits nothing, never writes the live alias.\n' +
            'A pre-flight runs first: when Kafka no longer holds history the model needs, the rebuild refuses (exit 12).',
        )
        .argument('<model>', 'read model, e.g. product-search'),
    )
      .option('--dry-run', 'print the pre-flight (as readmodel check does) and build nothing')
      .addOption(new Option('--on-invalid <action>', 'what an invalid event does').choices(['stop', 'skip']).default('stop'))
      .option('--force', 'rebuild from scratch even if a complete index of this build exists (never overrides swap gates)')
      .option('--shard <i/N>', 'fold only shard i of N (partitions i, i+N, ...) into the shared target; complete it with --seal')
      .option('--partitions <list>', 'fold only these partitions, e.g. 0-5,8 (a shard worker, like --shard); complete it with --seal')
      .option('--seal', 'mark a sharded build complete once every shard finished (merges their counts and checksums)')
      .option('--verify', 'before marking complete, also read the whole index back and check its checksum')
      .option(
        '--checkpoint-every <duration>',
        'how often to record where an interrupted rebuild resumes within a partition, in ms or e.g. 30s, 5m (at each partition end too)',
        positiveDurationOption('--checkpoint-every'),
        DEFAULT_CHECKPOINT_MS,
      )
      .option('--swap', 'swap the alias to the new index after a successful build (gated)')
      .option('--override-gates', 'with --swap: swap even if swap gates fail (every overridden verdict is recorded in the swap history)')
      .option('--batch-size <n>', 'events folded per bulk batch', parsePositiveIntOption('--batch-size'), 2000)
      .option('--cache-size <n>', 'documents kept in memory between batches', parseIntOption('--cache-size'), 10_000)
      .option(
        '--hold <n>',
        'changed documents held before writing, so each is written once per partition; more: fewer writes, more memory (0: write every batch)',
        parseIntOption('--hold'),
        DEFAULT_HOLD_WRITES,
      )
      .option('--replicas <n>', 'replicas after the load (0 during it)', parseIntOption('--replicas'))
      .option(
        '--catch-up-lag <n>',
        'with --swap: catch up in rounds until fewer events than this remain, then swap',
        parsePositiveIntOption('--catch-up-lag'),
        1000,
      )
      .option(
        '--catch-up-rounds <n>',
        'with --swap: at most this many catch-up rounds before the last one',
        parsePositiveIntOption('--catch-up-rounds'),
        10,
      ),
  ).action(async (modelName, flags) => {
    if (flags.overrideGates && !flags.swap) throw new UsageError('--override-gates only makes sense with --swap');
    if (flags.to !== undefined && flags.swap) {
      // The cutover catches up to the live end of the topic so the live consumer loses nothing; an
      // index that stopped at --to and then went live would miss every event after it for good.
      throw new UsageError('--to and --swap cannot be combined: the swap catches up to the live end of the topic, past --to', {
        code: 'TO_WITH_SWAP',
        context: { to: flags.to },
        suggestion: `build up to those offsets with "readmodel rebuild ${modelName} --to ${flags.to}", then expose the build when ready with "readmodel alias swap ${modelName} --to <index>"; or drop --to to rebuild and swap with catch-up to the live end`,
      });
    }
    if (flags.dryRun) return runPreflightCommand(io, modelName, flags);
    const shard = await shardFlags(flags);
    if (flags.seal && (shard || flags.force)) throw new UsageError(`--seal does not go with ${shard ? '--shard/--partitions' : '--force'}`);
    if (flags.seal) return sealCommand(io, modelName, flags);
    const { runRebuild } = await import('../../app/run-rebuild.js');
    const { VERSION } = await import('../version.js');
    const bus = createProgressBus();
    const { c, model, assets, start, end, sink, closeSink } = await rebuildInputs(io, modelName, flags, bus);
    await withProgress(
      io,
      flags,
      async (progress) => {
        // The brokers for the views' headers; the engine code names the model, topic and search cluster.
        progress.emit({ type: 'context', brokers: c.kafka().brokers });
        const source = c.source(progress);
        try {
          const { exposeBuild } = await import('../../app/run-alias.js');
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
              holdWrites: flags.hold,
              ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
              toolVersion: VERSION,
              signal: io.signal,
              ...(flags.allowTruncatedHistory ? { allowTruncatedHistory: true } : {}),
              ...(shard ? { shard } : {}),
              ...(flags.verify ? { verify: true } : {}),
              checkpointEveryMs: flags.checkpointEvery,
              ...(flags.swap
                ? { swap: { gates, overrideGates: Boolean(flags.overrideGates), maxLag: flags.catchUpLag, maxRounds: flags.catchUpRounds } }
                : {}),
            },
            { source, sink, progress },
          );
          let swap = result.swap;
          if (flags.swap && result.outcome === 'already-built') {
            // Nothing new to load: expose the existing complete build unless it already is live.
            swap = await exposeBuild(
              { model, to: result.manifest.index, gates, overrideGates: Boolean(flags.overrideGates) },
              { sink, progress },
            );
          }
          if (flags.json) {
            // A shard's record without its fold state (tombstones can be many).
            const shard = result.shard && (({ tombstones: _t, skipped: _s, ...rest }) => rest)(result.shard);
            writeJson(io, { outcome: result.outcome, manifest: result.manifest, ...(swap ? { swap } : {}), ...(shard ? { shard } : {}) });
          } else io.stdout.write(rebuildText(result, swap));
        } finally {
          try {
            await closeSink();
          } finally {
            await source.close();
          }
        }
      },
      bus,
    ).finally(closeSink);
  });
  return behaveLikeProgram(
    withMemoryGovernor(
      withHelp(withRetryBudgetOption(cmd), {
        notes: `An interrupted rebuild (crash, SIGKILL, node loss) continues from its last checkpoint when the same
command runs again; --force starts over. Sharded: run --shard i/N for every i (any machines), then --seal.`,
        exitCodes: {
          0: 'built (or already built, or this shard finished)',
          1: 'engine refused a request',
          2: 'usage',
          3: 'config (also: the node is not the configured engine)',
          4: 'invalid event',
          5: 'Kafka unavailable',
          6: 'search engine unavailable or unreadable',
          7: 'swap gate refused',
          8: 'conflict (target is live, alias moved, --seal with a shard missing or unfinished)',
          10: 'target exists but readmodel does not own it',
          11: "another run holds the target's lease",
          12: 'history missing (truncated by retention; --allow-truncated-history acknowledges it)',
          130: 'aborted',
        },
        examples: [
          'readmodel rebuild product-search',
          'readmodel rebuild product-search --from 0:120,1:98 --to 0:5000,1:4800 --json',
          'readmodel rebuild product-search --on-invalid skip --swap',
          'readmodel rebuild product-search --force --swap --override-gates   # rebuild from scratch, swap past failed gates',
          'readmodel rebuild product-search --dry-run',
          'readmodel rebuild product-search --shard 0/3        # on three machines: 0/3, 1/3, 2/3',
          'readmodel rebuild product-search --seal --swap      # once all three finished',
        ],
        seeAlso: ['readmodel check', 'readmodel alias swap', 'readmodel diff', 'readmodel prune'],
      }),
    ),
    io,
  );
}

async function shardFlags(flags: { shard?: string; partitions?: string }) {
  if (flags.shard === undefined && flags.partitions === undefined) return undefined;
  if (flags.shard !== undefined && flags.partitions !== undefined) throw new UsageError('give either --shard or --partitions, not both');
  const { parseShard, parsePartitionList } = await import('../../core/rebuild/shard-spec.js');
  return flags.shard !== undefined ? parseShard(flags.shard) : parsePartitionList(flags.partitions!);
}

/** `rebuild --seal [--swap]`: completes a sharded build, then exposes it when asked. */
async function sealCommand(
  io: CliIO,
  modelName: string,
  flags: Parameters<typeof rebuildInputs>[2] & {
    json?: boolean;
    verify?: boolean;
    replicas?: number;
    swap?: boolean;
    overrideGates?: boolean;
  },
) {
  const { runSeal } = await import('../../app/seal-build.js');
  const bus = createProgressBus();
  const { c, model, assets, sink, closeSink } = await rebuildInputs(io, modelName, flags, bus);
  await withProgress(
    io,
    flags,
    async (progress) => {
      try {
        const result = await runSeal(
          {
            assets,
            ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
            verify: Boolean(flags.verify),
            signal: io.signal,
          },
          { sink, progress },
        );
        let swap;
        if (flags.swap) {
          const { exposeBuild } = await import('../../app/run-alias.js');
          const { gatesFor } = await import('../../app/swap-gates.js');
          const gates = gatesFor(model, c.config.models[model.name]?.gates, sink);
          swap = await exposeBuild(
            { model, to: result.manifest.index, gates, overrideGates: Boolean(flags.overrideGates) },
            { sink, progress },
          );
        }
        if (flags.json) writeJson(io, { outcome: result.outcome, manifest: result.manifest, ...(swap ? { swap } : {}) });
        else io.stdout.write(rebuildText(result, swap));
      } finally {
        await closeSink();
      }
    },
    bus,
  ).finally(closeSink);
}
