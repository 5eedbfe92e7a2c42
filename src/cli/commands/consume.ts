import { Command, Option } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import {
  behaveLikeProgram,
  indexNameOption,
  positiveDurationOption,
  topicNameOption,
  withConnectionOptions,
  withHelp,
  withMemoryGovernor,
  withProgress,
  withRetryBudgetOption,
} from '../command-kit.js';
import { consumeText } from '../output/consume-text.js';

export function consumeCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('consume')
      .summary('Run the live projection consumer')
      .description(
        "Run the live projection consumer: joins the model's consumer group, writes through <model>_current,\n" +
          'commits offsets only after the writes they cover are acknowledged. Stops cleanly on SIGINT/SIGTERM.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .option('--group <id>', "consumer group id (default: the model's)")
      .option('--topic <name>', "source topic (default: the model's)", topicNameOption('--topic'))
      .option('--target <alias|index>', 'write target (default: <model>_current)', indexNameOption('--target'))
      .addOption(
        new Option('--on-invalid <action>', 'what an invalid event, or a document the engine refuses, does')
          .choices(['stop', 'skip'])
          .default('skip'),
      )
      .option(
        '--dead-letter-topic <topic>',
        "park invalid events and refused documents' records here (created if missing), with headers naming reason and origin",
        topicNameOption('--dead-letter-topic'),
      )
      .option(
        '--max-sink-wait <duration>',
        'give up (exit 6) after the search engine was unavailable this long, e.g. 10m (default: wait until it is back)',
        positiveDurationOption('--max-sink-wait'),
      ),
  ).action(async (modelName, flags) => {
    const maxSinkWaitMs = flags.maxSinkWait;
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
    const deadLetters = flags.deadLetterTopic
      ? (await import('../../adapters/kafka/kafka-dead-letter-sink.js')).createKafkaDeadLetterSink({
          ...c.kafka(),
          topic: flags.deadLetterTopic,
          model: model.name,
          groupId: model.consumerGroup,
        })
      : undefined;
    await withProgress(io, flags, async (progress) => {
      const sink = c.sink(progress);
      try {
        const r = await runConsume(
          {
            assets,
            onInvalid: flags.onInvalid,
            signal: io.signal,
            ...(flags.target ? { target: flags.target } : {}),
            ...(maxSinkWaitMs !== undefined ? { maxSinkWaitMs } : {}),
          },
          { consumer, sink, progress, source, ...(deadLetters ? { deadLetters } : {}) },
        );
        if (flags.json) writeJson(io, r);
        else io.stdout.write(consumeText(r));
      } finally {
        await sink.close();
      }
    }).finally(() => Promise.all([source.close(), deadLetters?.close()]));
  });
  return behaveLikeProgram(
    withMemoryGovernor(
      withHelp(withRetryBudgetOption(cmd), {
        exitCodes: {
          0: 'stopped cleanly (SIGINT/SIGTERM)',
          1: 'the engine refused a document (--on-invalid stop)',
          2: 'usage (also: the alias does not exist yet, --dead-letter-topic without --on-invalid skip)',
          3: 'config',
          4: 'invalid event (--on-invalid stop)',
          5: 'Kafka unavailable',
          6: 'search engine unavailable longer than --max-sink-wait',
        },
        examples: [
          'readmodel consume product-search --group readmodel.product-search',
          'readmodel consume product-search --dead-letter-topic product-events.dlq --max-sink-wait 15m',
          'readmodel consume product-search --on-invalid stop --retry-budget 10m --no-tui',
        ],
        seeAlso: ['readmodel lag', 'readmodel replay', 'readmodel rebuild'],
      }),
    ),
    io,
  );
}
