import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, parsePositiveIntOption } from '../../command-kit.js';
import { LAG_METRICS, LAG_RULES } from './lag-help.js';
import { setupLag, withLagOptions } from './lag-options.js';
import { lagServeCommand } from './serve.js';

export function lagCommand(io: CliIO) {
  const cmd = withLagOptions(
    new Command('lag')
      .summary("Measure the live consumer's lag and the read model's freshness")
      .description(
        "Measure the live consumer's lag per partition (offsets and age of the oldest unconsumed event), evaluate it over\n" +
          'a sliding window of samples (OK, WARN, STALL, STOP, REWIND, NO_COMMITS, ERR) and the freshness of the read model.',
      )
      .argument('[model]', 'read model (default: every built-in model)')
      .option('--samples <n>', 'samples to take, --interval apart', parsePositiveIntOption('--samples'), 3)
      .option('--prometheus', 'print Prometheus text exposition instead of the table')
      .option('--watch', 'keep sampling every --interval and re-render (Ctrl-C stops); with --json one JSON line per sample'),
    { interval: '1s' },
  )
    .addHelpText(
      'after',
      `${LAG_RULES}${LAG_METRICS}
Examples:
  readmodel lag
  readmodel lag product-search --samples 5 --interval 2s --json
  readmodel lag product-search --max-lag 10000 --max-time-lag 2m --prometheus
  readmodel lag --watch --interval 5s
  readmodel lag serve --port 9464
`,
    )
    .enablePositionalOptions()
    .action(async (modelName, flags) => {
      const { UsageError } = await import('../../../core/errors.js');
      if (flags.watch && flags.prometheus) {
        throw new UsageError('--watch does not go with --prometheus', {
          suggestion: 'use readmodel lag serve to expose metrics continuously',
        });
      }
      const { runLag, watchLag, LagAlertError } = await import('../../../app/run-lag.js');
      const { formatLagText } = await import('../../../core/lag/lag-text.js');
      // Reasons quote engine and Kafka errors, which can carry a node URL with credentials.
      const { redact } = await import('../../../config/redact.js');
      const s = await setupLag(io, modelName, flags);
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
          const { formatLagPrometheus } = await import('../../../core/lag/prometheus-format.js');
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
  return behaveLikeProgram(cmd, io).addCommand(lagServeCommand(io));
}
