import { Option, type Command, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { durationOption, parseIntOption, topicNameOption, withConnectionOptions, type OptionsOf } from '../../command-kit.js';
import { parseDuration } from '../../../core/lag/duration.js';
import { DEFAULT_THRESHOLDS } from '../../../core/lag/lag-window.js';

/** The options `lag` and `lag serve` share: which group, the window and the thresholds. */
export function withLagOptions<Args extends unknown[], Opts extends OptionValues, G extends OptionValues>(
  cmd: Command<Args, Opts, G>,
  defaults: { interval: string },
) {
  return withConnectionOptions(cmd)
    .option('--group <id>', "consumer group to measure (default: the model's live group; needs <model>)")
    .option('--topic <name>', "topic the group consumes (default: the model's; needs <model>)", topicNameOption('--topic'))
    .option('--cluster <name>', 'value of the cluster label on every metric (default: the Kafka bootstrap brokers, comma-separated)')
    .addOption(
      new Option('--interval <duration>', 'time between samples: 500ms, 10s, 5m, 1h (a plain number is ms)')
        .argParser(durationOption('--interval'))
        .default(parseDuration(defaults.interval) as number, defaults.interval),
    )
    .addOption(
      new Option(
        '--window <duration>',
        'sliding window the status is evaluated over; also how long lag may wait with no commit before STOP',
      )
        .argParser(durationOption('--window'))
        .default(DEFAULT_THRESHOLDS.windowMs, '60s'),
    )
    .addOption(
      new Option('--max-lag <n>', 'WARN when a partition lags more records than this (default: off, the window decides)').argParser(
        parseIntOption('--max-lag'),
      ),
    )
    .addOption(
      new Option('--max-time-lag <duration>', 'WARN when the oldest unconsumed event is older than this; "off" disables')
        .argParser(durationOption('--max-time-lag', true))
        .default(DEFAULT_THRESHOLDS.maxTimeLagMs as number | false, '5m'),
    );
}

/** What `setupLag` reads: the options withLagOptions declares, whichever of the two commands parsed them. */
type SharedLagFlags = OptionsOf<ReturnType<typeof withLagOptions<[], Record<never, never>, Record<never, never>>>>;

/**
 * `lag` and `lag serve` declare the same options, and the program hands `lag` everything after the
 * first option, so `lag serve --interval 5s` lands on `lag`. Options given explicitly there win over
 * serve's defaults.
 */
export function withParentFlags<T extends object>(cmd: CommandUnknownOpts, flags: T): T {
  const parent = cmd.parent;
  if (!parent) return flags;
  const out = { ...flags } as Record<string, unknown>;
  for (const [key, value] of Object.entries(parent.opts())) {
    const source = parent.getOptionValueSource(key);
    if ((source === 'cli' || source === 'env') && cmd.getOptionValueSource(key) !== 'cli') out[key] = value;
  }
  return out as T;
}

/** The models to measure, their thresholds and the readers, shared by `lag` and `lag serve`. */
export async function setupLag(io: CliIO, modelName: string | undefined, flags: SharedLagFlags) {
  const { connect } = await import('../../connect.js');
  const { builtInModels } = await import('../../../core/read-models/catalog.js');
  const { createKafkaLagReader } = await import('../../../adapters/kafka/kafka-lag-reader.js');
  const { UsageError } = await import('../../../core/errors.js');
  if (!modelName && (flags.group || flags.topic)) {
    throw new UsageError('--group and --topic need a <model>', { suggestion: 'readmodel lag product-search --group my.group' });
  }
  const c = await connect(io, flags);
  const names = modelName
    ? [modelName]
    : [...new Set([...builtInModels.map((m) => m.name), ...Object.keys(c.config.models).filter((n) => c.config.models[n]?.module)])];
  const models = (await Promise.all(names.map((name) => c.model(name)))).map((m) => {
    return { ...m, ...(flags.topic ? { topic: flags.topic } : {}), ...(flags.group ? { consumerGroup: flags.group } : {}) };
  });
  const reader = createKafkaLagReader(c.kafka());
  const sink = c.config.search ? c.sink() : undefined;
  const thresholds = {
    windowMs: flags.window,
    ...(flags.maxLag !== undefined ? { maxLag: flags.maxLag } : {}),
    ...(flags.maxTimeLag !== false ? { maxTimeLagMs: flags.maxTimeLag } : {}),
  };
  return {
    models,
    thresholds,
    cluster: flags.cluster ?? c.kafka().brokers.join(','),
    deps: { reader, ...(sink ? { sink } : {}) },
    close: () => Promise.allSettled([reader.close(), sink?.close()]),
  };
}
