import { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, parseIntOption, parsePositiveIntOption, parseShareOption, topicNameOption, withConnectionOptions, withProgress } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

interface PublishFlags extends GlobalFlags {
  count: number;
  seed: number;
  partitions: number;
  topic?: string;
  invalidRate?: number;
  idPrefix?: string;
  ifEmpty?: boolean;
  catalogue?: string;
  updates?: number;
}

export function fixturesCommand(io: CliIO): Command {
  const publish = withConnectionOptions(
    new Command('publish')
      .description('Publish a seeded, deterministic event stream for a read model to Kafka (keyed by aggregate id)')
      .argument('<model>', 'read model, e.g. product-search')
      .option('--count <n>', 'number of aggregates (products, orders) to generate', parsePositiveIntOption('--count'), 100)
      .option('--seed <n>', 'generator seed: the same seed publishes the same events', parseIntOption('--seed'), 1)
      .option('--partitions <n>', 'partition count when the topic is created', parsePositiveIntOption('--partitions'), 3)
      .option('--topic <name>', 'topic (default: the model\'s)', topicNameOption('--topic'))
      .option('--invalid-rate <share>', 'share of deliberately invalid events, 0..1', parseShareOption('--invalid-rate'), 0)
      .option('--id-prefix <prefix>', 'prefix of generated aggregate ids')
      .option('--if-empty', 'publish nothing if the topic already holds events')
      .option('--catalogue <mode>', 'recent (default: updates reach only recently created aggregates) or long-lived (then updates, deletes and re-creations of any existing aggregate)')
      .option('--updates <n>', 'with --catalogue long-lived: events after the catalogue is created (default 2 x --count)', parseIntOption('--updates')),
  )
    .addHelpText('after', '\nExamples:\n  readmodel fixtures publish product-search --count 1000 --seed 7 --partitions 6\n  readmodel fixtures publish product-search --count 15000 --catalogue long-lived --updates 30000\n')
    .action(async (modelName: string, flags: PublishFlags) => {
      const { connect } = await import('../connect.js');
      const { runFixturesPublish } = await import('../../app/run-fixtures-publish.js');
      const c = await connect(io, flags);
      const model = await c.model(modelName);
      const publisher = c.publisher();
      try {
        const result = await withProgress(io, flags, (progress) =>
          runFixturesPublish(
            {
              model,
              count: flags.count,
              seed: flags.seed,
              partitions: flags.partitions,
              ...(flags.topic ? { topic: flags.topic } : {}),
              invalidRate: flags.invalidRate ?? 0,
              ...(flags.idPrefix ? { idPrefix: flags.idPrefix } : {}),
              ...(flags.ifEmpty ? { ifEmpty: true } : {}),
              ...(flags.catalogue !== undefined ? { catalogue: flags.catalogue } : {}),
              ...(flags.updates !== undefined ? { updates: flags.updates } : {}),
              signal: io.signal,
            },
            { publisher, progress },
          ),
        );
        if (flags.json) writeJson(io, result);
        else if (result.skippedExisting !== undefined)
          io.stdout.write(`${result.topic} already holds ${result.skippedExisting} events; published nothing (--if-empty)\n`);
        else
          io.stdout.write(
            `published ${result.events} events (${result.invalidEvents} invalid) for ${result.aggregates} aggregates to ${result.topic} (${result.partitions} partitions${result.topicCreated ? ', created' : ''})\n`,
          );
      } finally {
        await publisher.close();
      }
    });
  return behaveLikeProgram(new Command('fixtures'), io)
    .description('Generate and publish fixture events')
    .addCommand(behaveLikeProgram(publish, io));
}
