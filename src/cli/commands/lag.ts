import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, parseIntOption, parsePortOption, topicNameOption, withConnectionOptions } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';
import { parseDuration } from '../../core/lag/duration.js';

interface LagFlags extends GlobalFlags {
  group?: string;
  topic?: string;
  samples: number;
  interval: number;
  window: number;
  maxLag?: number;
  maxTimeLag: number | false;
  prometheus?: boolean;
  watch?: boolean;
}

interface ServeFlags extends Omit<LagFlags, 'samples' | 'prometheus' | 'watch'> {
  port: number;
  host: string;
}

function durationOption(name: string): (v: string) => number;
function durationOption(name: string, allowOff: true): (v: string) => number | false;
function durationOption(name: string, allowOff = false) {
  return (v: string): number | false => {
    if (allowOff && /^(off|none)$/i.test(v)) return false;
    const ms = parseDuration(v);
    if (ms === undefined) throw new InvalidArgumentError(`${name} must be a duration like 500ms, 10s, 5m, 1h (a plain number is ms)${allowOff ? ' or "off"' : ''}, got "${v}"`);
    return ms;
  };
}

/** parseIntOption, failing as a usage error (exit 2) rather than an internal one. */
function intOption(name: string) {
  const parse = parseIntOption(name);
  return (v: string): number => {
    try {
      return parse(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** The options `lag` and `lag serve` share: which group, the window and the thresholds. */
function withLagOptions(cmd: Command, defaults: { interval: string }): Command {
  return withConnectionOptions(cmd)
    .option('--group <id>', "consumer group to measure (default: the model's live group; needs <model>)")
    .option('--topic <name>', "topic the group consumes (default: the model's; needs <model>)", topicNameOption('--topic'))
    .addOption(
      new Option('--interval <duration>', 'time between samples: 500ms, 10s, 5m, 1h (a plain number is ms)')
        .argParser(durationOption('--interval'))
        .default(parseDuration(defaults.interval), defaults.interval),
    )
    .addOption(
      new Option('--window <duration>', 'sliding window the status is evaluated over; also how long lag may wait with no commit before STOP')
        .argParser(durationOption('--window'))
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--max-lag <n>', 'WARN when a partition lags more records than this (default: off, the window decides)').argParser(intOption('--max-lag')),
    )
    .addOption(
      new Option('--max-time-lag <duration>', 'WARN when the oldest unconsumed event is older than this; "off" disables')
        .argParser(durationOption('--max-time-lag', true))
        .default(300_000, '5m'),
    );
}

const RULES = `
Statuses (per partition over the sliding window; a model takes its worst partition's):
  OK          caught up, or lag shrinking / steady while the committed offset moves
  WARN        committed offset moves but the lag only grows; or --max-lag / --max-time-lag exceeded
  STALL       the group has members but its committed offset did not move across the window, lag > 0
  STOP        lag > 0 and the group has no members, or no commit for longer than --window
              (counted from the later of the offset first being seen and the oldest waiting event)
  REWIND      the committed offset went below one seen earlier in the window
  NO_COMMITS  the group never committed an offset (never reported as zero lag)
  ERR         Kafka could not be read, or the read model is broken (below)
  One sample can show OK, NO_COMMITS, STOP and the threshold WARNs; STALL, a growing-lag WARN and
  REWIND need movement, so --samples >= 2 (the default 3, --interval 1s apart, spans 2s).

Read model (with a search engine configured), part of each model's status:
  ERR         the engine does not answer, or not as the configured engine; alias <indexBase>_current
              missing or on several indices; the index behind it missing; its manifest missing,
              unreadable, incomplete or of another model; documents without lastEventAt
  WARN        the index is empty while the topic holds records (freshness unknown)
  OK          one complete build of this model behind the alias; freshness = age of its newest event
              (max lastEventAt). Unknown freshness never passes as OK (except empty index, empty topic).

Time lag: age of the oldest unconsumed event (message timestamp of the record at the committed offset).

Exit codes: 0 every partition and read model OK; 1 any finding (WARN, STALL, STOP, REWIND,
NO_COMMITS, ERR; the report is printed); 2 usage; 3 config; 5 Kafka unreachable for every model;
6 search engine unreachable for every model.
`;

const METRICS = `
Metrics (Prometheus text exposition 0.0.4):
  readmodel_consumer_lag_offsets{model,group,topic,partition}
  readmodel_consumer_lag_seconds{model,group,topic,partition}
  readmodel_consumer_committed_offset{model,group,topic,partition}
  readmodel_consumer_log_end_offset{model,group,topic,partition}
  readmodel_consumer_status{model,group,topic,partition}   0=OK 1=WARN 2=STALL 3=STOP 4=REWIND 5=NO_COMMITS 6=ERR
  readmodel_consumer_group_status{model,group,topic}       same mapping, worst partition (ERR: Kafka unreadable)
  readmodel_read_model_status{model,alias}                 same mapping: OK, WARN or ERR (see above)
  readmodel_model_status{model,group,topic}                same mapping, worse of group and read model
  readmodel_consumer_group_lag_offsets{model,group,topic}
  readmodel_consumer_group_members{model,group}
  readmodel_read_model_freshness_seconds{model,alias}
  readmodel_lag_sample_success{model}
  readmodel_lag_window_samples, readmodel_lag_last_sample_timestamp_seconds
`;

/**
 * `lag` and `lag serve` declare the same options, and the program hands `lag` everything after the
 * first option, so `lag serve --interval 5s` lands on `lag`. Options given explicitly there win over
 * serve's defaults.
 */
function withParentFlags<T extends object>(cmd: Command, flags: T): T {
  const parent = cmd.parent;
  if (!parent) return flags;
  const out = { ...flags } as Record<string, unknown>;
  for (const [key, value] of Object.entries(parent.opts())) {
    const source = parent.getOptionValueSource(key);
    if ((source === 'cli' || source === 'env') && cmd.getOptionValueSource(key) !== 'cli') out[key] = value;
  }
  return out as T;
}

async function setup(io: CliIO, modelName: string | undefined, flags: LagFlags | ServeFlags) {
  const { connect } = await import('../connect.js');
  const { builtInModels } = await import('../../core/read-models/catalog.js');
  const { createKafkaLagReader } = await import('../../adapters/kafka/kafka-lag-reader.js');
  const { UsageError } = await import('../../core/errors.js');
  if (!modelName && (flags.group || flags.topic)) {
    throw new UsageError('--group and --topic need a <model>', { suggestion: 'readmodel lag product-search --group my.group' });
  }
  const c = await connect(io, flags);
  const names = modelName ? [modelName] : [...new Set([...builtInModels.map((m) => m.name), ...Object.keys(c.config.models).filter((n) => c.config.models[n]?.module)])];
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
    deps: { reader, ...(sink ? { sink } : {}) },
    close: () => Promise.allSettled([reader.close(), sink?.close()]),
  };
}

export function lagCommand(io: CliIO): Command {
  const serve = withLagOptions(
    new Command('serve')
      .description('Serve the lag metrics for Prometheus at GET /metrics, re-sampling every --interval; stops on SIGINT/SIGTERM')
      .argument('[model]', 'read model (default: every built-in model)')
      .option('--port <n>', 'port to listen on (0 picks a free one)', parsePortOption('--port'), 9464)
      .option('--host <address>', 'address to bind (0.0.0.0 for every interface)', '127.0.0.1'),
    { interval: '15s' },
  )
    .addHelpText('after', `${METRICS}\nExample:\n  readmodel lag serve --port 9464 --host 0.0.0.0 --interval 15s --window 5m\n`)
    .action(async (modelName: string | undefined, serveFlags: ServeFlags, self: Command) => {
      const flags = withParentFlags(self, serveFlags);
      const { serveLag } = await import('../../app/run-lag.js');
      const s = await setup(io, modelName, flags);
      try {
        await serveLag(
          {
            models: s.models,
            thresholds: s.thresholds,
            intervalMs: flags.interval,
            port: flags.port,
            host: flags.host,
            signal: io.signal,
            onListening: (url) => io.stderr.write(`serving lag metrics of ${s.models.map((m) => m.name).join(', ')} at ${url} (Ctrl-C stops)\n`),
            onSampleError: (err) => io.stderr.write(`sampling failed: ${(err as Error).message}\n`),
          },
          s.deps,
        );
        io.stderr.write('stopped\n');
      } finally {
        await s.close();
      }
    });

  const cmd = withLagOptions(
    new Command('lag')
      .description(
        "Measure the live consumer's lag per partition (offsets and age of the oldest unconsumed event), evaluate it over\n" +
          'a sliding window of samples (OK, WARN, STALL, STOP, REWIND, NO_COMMITS, ERR) and the freshness of the read model.',
      )
      .argument('[model]', 'read model (default: every built-in model)')
      .option('--samples <n>', 'samples to take, --interval apart', intOption('--samples'), 3)
      .option('--prometheus', 'print Prometheus text exposition instead of the table')
      .option('--watch', 'keep sampling every --interval and re-render (Ctrl-C stops); with --json one JSON line per sample'),
    { interval: '1s' },
  )
    .addHelpText(
      'after',
      `${RULES}${METRICS}
Examples:
  readmodel lag
  readmodel lag product-search --samples 5 --interval 2s --json
  readmodel lag product-search --max-lag 10000 --max-time-lag 2m --prometheus
  readmodel lag --watch --interval 5s
  readmodel lag serve --port 9464
`,
    )
    .enablePositionalOptions()
    .action(async (modelName: string | undefined, flags: LagFlags) => {
      const { UsageError } = await import('../../core/errors.js');
      if (flags.watch && flags.prometheus) {
        throw new UsageError('--watch does not go with --prometheus', { suggestion: 'use readmodel lag serve to expose metrics continuously' });
      }
      if (flags.samples < 1) throw new UsageError('--samples must be at least 1');
      const { runLag, watchLag, LagAlertError } = await import('../../app/run-lag.js');
      const { formatLagText } = await import('../../core/lag/lag-text.js');
      // Reasons quote engine and Kafka errors, which can carry a node URL with credentials.
      const { redact } = await import('../../config/redact.js');
      const s = await setup(io, modelName, flags);
      try {
        const options = { models: s.models, thresholds: s.thresholds, intervalMs: flags.interval, signal: io.signal };
        if (flags.watch) {
          await watchLag(options, s.deps, (sampled) => {
            const report = redact(sampled);
            if (flags.json) io.stdout.write(`${JSON.stringify(report)}\n`);
            else io.stdout.write(`${io.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${formatLagText(report)}${io.stdout.isTTY ? '' : '\n'}`);
          });
          return;
        }
        const report = redact(await runLag({ ...options, samples: flags.samples }, s.deps));
        if (flags.prometheus) {
          const { formatLagPrometheus } = await import('../../core/lag/prometheus-format.js');
          io.stdout.write(formatLagPrometheus(report));
        } else if (!flags.json) {
          io.stdout.write(formatLagText(report));
        }
        // A verdict worse than OK leaves through the error handler, which sets the exit code; with
        // --json it prints the report itself, so stdout holds one JSON document either way.
        if (report.exitCode !== 0) throw new LagAlertError(report);
        if (flags.json) writeJson(io, report);
      } finally {
        await s.close();
      }
    });
  return behaveLikeProgram(cmd, io).addCommand(behaveLikeProgram(serve, io));
}
