import { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import type { SandboxCommandOptions, SandboxRunDeps } from '../../sandbox/run.js';

/**
 * `readmodel sandbox up|down|status`: a thin shell over src/sandbox, which is loaded only when one
 * of these actions runs.
 */

/**
 * `addCommand` (unlike `.command()`) does not pass the program's settings down, so without this a
 * bad flag would make commander call process.exit itself instead of throwing to main().
 */
function behaveLikeProgram(cmd: Command, io: CliIO): Command {
  return cmd
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
}

function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--only <services>', 'comma-separated subset of kafka,opensearch,elasticsearch (default: all)')
    .option('--kafka-port <port>', 'Kafka listener port, controller = port+1 (default 19092) [READMODEL_SANDBOX_KAFKA_PORT]')
    .option(
      '--opensearch-port <port>',
      'OpenSearch HTTP port, transport = port+100 (default 19200) [READMODEL_SANDBOX_OPENSEARCH_PORT]',
    )
    .option(
      '--elasticsearch-port <port>',
      'Elasticsearch HTTP port, transport = port+100 (default 19201) [READMODEL_SANDBOX_ELASTICSEARCH_PORT]',
    )
    .option('--state-dir <dir>', 'runtime dir: data, logs, pid and state files [READMODEL_SANDBOX_DIR]')
    .option('--json', 'print the result as JSON on stdout');
}

export function sandboxCommand(io: CliIO): Command {
  const deps = (): SandboxRunDeps => ({
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd,
    signal: io.signal,
  });

  const up = withCommonOptions(
    new Command('up').description('Start the services (reusing any already running) and wait until each is healthy'),
  )
    .option('--cache-dir <dir>', 'download cache (default ~/.cache/readmodel) [READMODEL_CACHE_DIR]')
    .option('--timeout <seconds>', 'how long each service may take to become healthy (default 180) [READMODEL_SANDBOX_TIMEOUT]')
    .action(async (opts: SandboxCommandOptions) => {
      const { runSandboxUp } = await import('../../sandbox/run.js');
      await runSandboxUp(opts, deps());
    });

  const down = withCommonOptions(new Command('down').description('Stop the services `sandbox up` started'))
    .option('--purge', 'also delete their data, logs and runtime copies')
    .action(async (opts: SandboxCommandOptions) => {
      const { runSandboxDown } = await import('../../sandbox/run.js');
      await runSandboxDown(opts, deps());
    });

  const status = withCommonOptions(
    new Command('status').description('Show each service: running or stopped, pid, endpoint, version, log'),
  ).action(async (opts: SandboxCommandOptions) => {
    const { runSandboxStatus } = await import('../../sandbox/run.js');
    await runSandboxStatus(opts, deps());
  });

  return behaveLikeProgram(new Command('sandbox'), io)
    .description('Real local Kafka, OpenSearch and Elasticsearch on 127.0.0.1 for development and tests')
    .addCommand(behaveLikeProgram(up, io))
    .addCommand(behaveLikeProgram(down, io))
    .addCommand(behaveLikeProgram(status, io));
}
