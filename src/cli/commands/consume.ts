import { Command, Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, withRetryBudgetOption, withConnectionOptions, withProgress } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

interface ConsumeFlags extends GlobalFlags {
  group?: string;
  topic?: string;
  onInvalid: 'stop' | 'skip';
  target?: string;
}

export function consumeCommand(io: CliIO): Command {
  const cmd = withConnectionOptions(
    new Command('consume')
      .description(
        'Run the live projection consumer: joins the model\'s consumer group, writes through <model>_current,\n' +
          'commits offsets only after the writes they cover are acknowledged. Stops cleanly on SIGINT/SIGTERM.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .option('--group <id>', "consumer group id (default: the model's)")
      .option('--topic <name>', "source topic (default: the model's)")
      .option('--target <alias|index>', 'write target (default: <model>_current)')
      .addOption(new Option('--on-invalid <action>', 'what an invalid event does').choices(['stop', 'skip']).default('skip')),
  )
    .addHelpText('after', '\nExample:\n  readmodel consume product-search --group readmodel.product-search\n')
    .action(async (modelName: string, flags: ConsumeFlags) => {
      const { connect } = await import('../connect.js');
      const { runConsume } = await import('../../app/run-consume.js');
      const { loadModelAssets } = await import('../../app/model-assets.js');
      const { createKafkaGroupConsumer } = await import('../../adapters/kafka/kafka-group-consumer.js');
      const { PACKAGE_ROOT } = await import('../../config/load-config.js');
      const c = await connect(io, flags);
      const base = await c.model(modelName);
      const model = { ...base, ...(flags.topic ? { topic: flags.topic } : {}), ...(flags.group ? { consumerGroup: flags.group } : {}) };
      const assets = await loadModelAssets(model, { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT });
      const consumer = createKafkaGroupConsumer({ ...c.kafka(), groupId: model.consumerGroup, topic: model.topic });
      const source = c.source();
      await withProgress(io, flags, async (progress) => {
        const sink = c.sink(progress);
        try {
          const r = await runConsume(
            { assets, onInvalid: flags.onInvalid, signal: io.signal, ...(flags.target ? { target: flags.target } : {}) },
            { consumer, sink, progress, source },
          );
          if (flags.json) writeJson(io, r);
          else io.stdout.write(`stopped: ${r.counters.eventsRead} events read, ${r.counters.docsWritten} documents written to ${r.target}\n`);
        } finally {
          await sink.close();
        }
      }).finally(() => source.close());
    });
  return behaveLikeProgram(withRetryBudgetOption(cmd), io);
}
