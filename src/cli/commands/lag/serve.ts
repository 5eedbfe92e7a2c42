import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, parsePortOption, withHelp } from '../../command-kit.js';
import { DEFAULT_LAG_PORT, LAG_METRICS } from './lag-help.js';
import { setupLag, withLagOptions, withParentFlags } from './lag-options.js';

export function lagServeCommand(io: CliIO) {
  const cmd = withLagOptions(
    new Command('serve')
      .description('Serve the lag metrics for Prometheus at GET /metrics, re-sampling every --interval; stops on SIGINT/SIGTERM')
      .argument('[model]', 'read model (default: every built-in model)')
      .option('--port <n>', `port to listen on (0 picks a free one)`, parsePortOption('--port'), DEFAULT_LAG_PORT)
      .option('--host <address>', 'address to bind (0.0.0.0 for every interface)', '127.0.0.1'),
    { interval: '15s' },
  ).action(async (modelName, serveFlags, self) => {
    const flags = withParentFlags(self, serveFlags);
    const { serveLag } = await import('../../../app/run-lag.js');
    const s = await setupLag(io, modelName, flags);
    try {
      await serveLag(
        {
          models: s.models,
          thresholds: s.thresholds,
          intervalMs: flags.interval,
          port: flags.port,
          cluster: s.cluster,
          host: flags.host,
          signal: io.signal,
          onListening: (url) =>
            io.stderr.write(`serving lag metrics of ${s.models.map((m) => m.name).join(', ')} at ${url} (Ctrl-C stops)\n`),
          onSampleError: (err) => io.stderr.write(`sampling failed: ${(err as Error).message}\n`),
        },
        s.deps,
      );
      io.stderr.write('stopped\n');
    } finally {
      await s.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes: `${LAG_METRICS}
A failed sample is reported on stderr and in readmodel_lag_sample_success; serving goes on.

Default port ${DEFAULT_LAG_PORT}: outside the 9100-9999 range of registered Prometheus exporters and clear of
Prometheus (9090), Kafka (9092), kafka_exporter (9308), kafka-lag-exporter (8000), the OpenTelemetry
Prometheus exporter (9464) and the search engines (9200/9300).`,
      exitCodes: { 0: 'stopped by SIGINT/SIGTERM', 2: 'usage (also: the port cannot be bound)', 3: 'config', 5: 'Kafka unavailable' },
      examples: [
        'readmodel lag serve',
        `readmodel lag serve product-search --port ${DEFAULT_LAG_PORT} --host 0.0.0.0 --interval 15s --window 5m --cluster prod-eu`,
      ],
      seeAlso: ['readmodel lag'],
    }),
    io,
  );
}
