import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, parsePositiveIntOption, withHelp } from '../../command-kit.js';
import { LAG_METRICS, LAG_RULES, LAG_TEXT } from './lag-help.js';
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
    .enablePositionalOptions()
    .action(async (modelName, flags) => {
      const { UsageError } = await import('../../../core/errors.js');
      if (flags.watch && flags.prometheus) {
        throw new UsageError('--watch does not go with --prometheus', {
          suggestion: 'use readmodel lag serve to expose metrics continuously',
        });
      }
      const { runLag, watchLag, LagAlertError } = await import('../../../app/run-lag.js');
      const { formatLagSummary, formatLagTable } = await import('../../../core/lag/lag-text.js');
      const { terminalCapabilities } = await import('../../terminal.js');
      // Reasons quote engine and Kafka errors, which can carry a node URL with credentials.
      const { redact } = await import('../../../config/redact.js');
      const s = await setupLag(io, modelName, flags);
      // The table goes to stdout (awk-able: header, then one row per partition), the verdicts to stderr.
      const writeText = (report: Parameters<typeof formatLagTable>[0]) => {
        io.stdout.write(formatLagTable(report));
        io.stderr.write(formatLagSummary(report));
      };
      try {
        const options = { models: s.models, thresholds: s.thresholds, intervalMs: flags.interval, signal: io.signal };
        if (flags.watch) {
          // Redraw in place only where the terminal moves the cursor; elsewhere (pipes, TERM=dumb) append.
          const redraw = terminalCapabilities(io.env, io.stdout).cursor;
          let first = true;
          await watchLag(options, s.deps, (sampled) => {
            const report = redact(sampled);
            if (flags.json) io.stdout.write(`${JSON.stringify(report)}\n`);
            else {
              if (redraw) io.stdout.write('\x1b[2J\x1b[H');
              else if (!first) io.stdout.write('\n');
              writeText(report);
            }
            first = false;
          });
          return;
        }
        const report = redact(await runLag({ ...options, samples: flags.samples }, s.deps));
        if (flags.prometheus) {
          const { formatLagPrometheus } = await import('../../../core/lag/prometheus-format.js');
          io.stdout.write(formatLagPrometheus(report, { cluster: s.cluster }));
        } else if (!flags.json) {
          writeText(report);
        }
        // A verdict worse than OK leaves through the error handler, which sets the exit code; with
        // --json it prints the report itself, so stdout holds one JSON document either way.
        if (report.exitCode !== 0) throw new LagAlertError(report);
        if (flags.json) writeJson(io, report);
      } finally {
        await s.close();
      }
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes: `${LAG_TEXT}${LAG_RULES}${LAG_METRICS}`,
      exitCodes: {
        0: 'every partition and read model OK',
        1: 'any finding (WARN, STALL, STOP, REWIND, NO_COMMITS, ERR; the report is printed)',
        2: 'usage',
        3: 'config',
        5: 'Kafka unreachable for every model',
        6: 'search engine unreachable for every model',
      },
      examples: [
        'readmodel lag',
        'readmodel lag product-search --samples 5 --interval 2s --json',
        'readmodel lag product-search --max-lag 10000 --max-time-lag 2m --prometheus',
        'readmodel lag --watch --interval 5s',
        "readmodel lag product-search | awk 'NR>1 && $6 > 1000'     # partitions lagging more than 1000 records",
        'readmodel lag serve --cluster prod-eu',
      ],
      seeAlso: ['readmodel lag serve', 'readmodel consume', 'readmodel alias show'],
    }),
    io,
  ).addCommand(lagServeCommand(io));
}
