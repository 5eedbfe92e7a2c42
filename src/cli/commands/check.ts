import { Command, type OptionValues } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, topicNameOption, withConnectionOptions, withHelp, type OptionsOf } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';
import { preflightText } from '../output/preflight-text.js';
import { rebuildInputs } from '../rebuild-inputs.js';

/** What the pre-flight reads: the connection flags and the options withPreflightOptions declares. */
export type PreflightFlags = GlobalFlags &
  OptionsOf<ReturnType<typeof withPreflightOptions<[], Record<never, never>, Record<never, never>>>>;

/**
 * The pre-flight of a rebuild, read-only: shared by `readmodel check` and `rebuild --dry-run`.
 * Prints the report, then ends with exit 12 (already reported) when the rebuild would refuse.
 */
export async function runPreflightCommand(io: CliIO, modelName: string, flags: PreflightFlags): Promise<void> {
  const { runPreflight } = await import('../../app/run-preflight.js');
  const { truncatedHistoryError } = await import('../../core/rebuild/history-check.js');
  const { c, assets, start, end, sink, closeSink } = await rebuildInputs(io, modelName, flags);
  let source: ReturnType<typeof c.source> | undefined;
  try {
    source = c.source();
    // A few quick reads: no progress view, the report is the output.
    const report = await runPreflight(
      {
        assets,
        start,
        end,
        ...(flags.topic ? { topic: flags.topic } : {}),
        ...(flags.allowTruncatedHistory ? { allowTruncatedHistory: true } : {}),
      },
      { source, sink },
    );
    if (flags.json) writeJson(io, report);
    else io.stdout.write(preflightText(report));
    if (!report.wouldRun) throw Object.assign(truncatedHistoryError(report.history, report.model), { reported: true });
  } finally {
    await Promise.allSettled([closeSink(), source?.close()]);
  }
}

export function withPreflightOptions<Args extends unknown[], Opts extends OptionValues, G extends OptionValues>(
  cmd: Command<Args, Opts, G>,
) {
  return cmd
    .option('--from <offsets>', 'start offsets: "earliest" (default) or partition:offset pairs, e.g. 0:120,1:98')
    .option('--from-time <iso>', 'start at the first event at or after this time, per partition')
    .option('--to <offsets>', 'end offsets (exclusive): the snapshot at start (default) or partition:offset pairs')
    .option('--topic <name>', "source topic (default: the model's)", topicNameOption('--topic'))
    .option(
      '--allow-truncated-history',
      'acknowledge that Kafka lost history the model needs: build anyway, record the gap in the manifest (the swap gates then refuse the build)',
    );
}

export function checkCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    withPreflightOptions(
      new Command('check')
        .summary('Pre-flight of a rebuild, without building (offsets, history, retention, target)')
        .description(
          "Pre-flight of a rebuild, without building: offsets per partition, events to read, whether Kafka still holds the history the model needs, the topic's retention and compaction, the alias and the target index.",
        )
        .argument('<model>', 'read model, e.g. product-search'),
    ),
  ).action((modelName, flags) => runPreflightCommand(io, modelName, flags));
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: {
        0: 'a rebuild would run',
        2: 'usage',
        3: 'config (also: the node is not the configured engine)',
        5: 'Kafka unavailable',
        6: 'search engine unavailable or its answer unreadable',
        12: 'history missing (a rebuild would refuse)',
      },
      examples: [
        'readmodel check product-search',
        'readmodel check product-search --from-time 2026-11-01T00:00:00Z --json',
        'readmodel check product-search --allow-truncated-history   # what a build that acknowledges the gap would read',
      ],
      seeAlso: ['readmodel rebuild', 'readmodel lag'],
    }),
    io,
  );
}
