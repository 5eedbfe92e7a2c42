import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { SANDBOX_EXIT_CODES, sandboxDeps, withSandboxOptions } from './common-options.js';

export function sandboxUpCommand(io: CliIO) {
  const cmd = withSandboxOptions(
    new Command('up').description('Start the services (reusing any already running) and wait until each is healthy'),
  )
    .option('--cache-dir <dir>', 'download cache (default ~/.cache/readmodel) [READMODEL_CACHE_DIR]')
    .option('--timeout <seconds>', 'how long each service may take to become healthy (default 300) [READMODEL_SANDBOX_TIMEOUT]')
    .option('--versions <preset>', 'default (current engines) or oldest (oldest supported) [READMODEL_SANDBOX_VERSIONS]')
    .option('--kafka-version <version>', 'Kafka version, 3.x.y or 4.x.y (default 4.4.0) [READMODEL_SANDBOX_KAFKA_VERSION]')
    .option('--opensearch-version <version>', 'OpenSearch version, 2.x.y or 3.x.y (default 3.8.0) [READMODEL_SANDBOX_OPENSEARCH_VERSION]')
    .option(
      '--elasticsearch-version <version>',
      'Elasticsearch version, 8.x.y or 9.x.y (default 9.5.0) [READMODEL_SANDBOX_ELASTICSEARCH_VERSION]',
    )
    .action(async (opts) => {
      const { runSandboxUp } = await import('../../../sandbox/run.js');
      await runSandboxUp(opts, sandboxDeps(io));
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes: `Java: each service runs on its own Java home: READMODEL_SANDBOX_<SERVICE>_JAVA_HOME, else
READMODEL_SANDBOX_JAVA_HOME, else the first fitting of JAVA_HOME, the java on PATH and /usr/lib/jvm/*.
readmodel sandbox status shows the Java each running service uses.`,
      exitCodes: SANDBOX_EXIT_CODES,
      examples: [
        'readmodel sandbox up',
        'readmodel sandbox up --only kafka,opensearch --timeout 300',
        'readmodel sandbox up --versions oldest --state-dir /var/tmp/readmodel-oldest --kafka-port 29092 --opensearch-port 29200 --elasticsearch-port 29201',
      ],
      seeAlso: ['readmodel sandbox status', 'readmodel sandbox down'],
    }),
    io,
  );
}
