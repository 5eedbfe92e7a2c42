import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import type { SandboxRunDeps } from '../../../sandbox/run.js';

/**
 * The flags every sandbox subcommand accepts. Values stay strings: src/sandbox resolves them together
 * with their environment variables, so a bad port is refused the same way from either source.
 */
export function withSandboxOptions<Args extends unknown[], Opts extends OptionValues, G extends OptionValues>(cmd: Command<Args, Opts, G>) {
  return cmd
    .option('--only <services>', 'comma-separated subset of kafka,opensearch,elasticsearch (default: all)')
    .option('--kafka-port <port>', 'Kafka listener port, controller = port+1 (default 19092) [READMODEL_SANDBOX_KAFKA_PORT]')
    .option('--opensearch-port <port>', 'OpenSearch HTTP port, transport = port+100 (default 19200) [READMODEL_SANDBOX_OPENSEARCH_PORT]')
    .option(
      '--elasticsearch-port <port>',
      'Elasticsearch HTTP port, transport = port+100 (default 19201) [READMODEL_SANDBOX_ELASTICSEARCH_PORT]',
    )
    .option('--state-dir <dir>', 'runtime dir: data, logs, pid and state files [READMODEL_SANDBOX_DIR]')
    .option('--json', 'print the result as JSON on stdout');
}

export function sandboxDeps(io: CliIO): SandboxRunDeps {
  return { stdout: io.stdout, stderr: io.stderr, env: io.env, cwd: io.cwd, signal: io.signal };
}

export const SANDBOX_EXIT_CODES = {
  0: 'done',
  2: 'usage (bad --only, port or timeout)',
  9: 'sandbox failure (a service did not start, stop or answer)',
  130: 'aborted',
} as const;
