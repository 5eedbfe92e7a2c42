import { Command, CommanderError } from '@commander-js/extra-typings';
import { versionDocument, versionText } from './output/version-text.js';
import { AbortedError, ExitCode, UsageError } from '../core/errors.js';
import type { CliIO } from './cli-io.js';
import { renderError } from './render-error.js';
import { commands } from './commands/index.js';
import { withHelp, type CommandHelp } from './command-kit.js';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

const PROGRAM_HELP: CommandHelp = {
  notes: `Environment: NO_COLOR=1 turns colour off everywhere; TERM=dumb also turns off the terminal UI and
progress bars (plain lines instead). Connection settings: READMODEL_KAFKA_BROKERS, READMODEL_SEARCH_NODE,
READMODEL_SEARCH_ENGINE, ... (readmodel config show prints what is in effect).

Below are all of readmodel's exit codes; each command's --help lists those it uses.`,
  exitCodes: {
    0: 'ok',
    1: 'failure (engine refused, violations, differences, lag finding)',
    2: 'usage',
    3: 'config',
    4: 'invalid event',
    5: 'Kafka unavailable',
    6: 'search engine unavailable',
    7: 'swap gate refused',
    8: 'conflict',
    9: 'sandbox failure',
    10: 'not owned',
    11: 'lease held',
    12: 'history missing',
    70: 'internal bug',
    130: 'aborted',
  },
  examples: [
    'readmodel check product-search',
    'readmodel rebuild product-search --swap',
    "readmodel query product-search --text headphones --filter 'price<100'",
    'readmodel alias show product-search',
    'readmodel lag --watch',
  ],
  seeAlso: ['readmodel help', 'readmodel config show', 'readmodel completion'],
};

/**
 * Builds the program. Command modules import their engine code lazily inside their actions so that
 * `readmodel --help` stays fast and never loads Kafka or search clients.
 */
export function buildProgram(io: CliIO, argv: readonly string[] = []): Command {
  const program = new Command('readmodel')
    .description('Rebuild, swap and operate CQRS read models projected from Kafka into Elasticsearch/OpenSearch')
    .option('-V, --version', 'print the tool, Node and supported engine versions (--json for JSON)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    // Options after a subcommand belong to it (e.g. `lag serve --interval 5s`), not to its parent.
    .enablePositionalOptions();
  withHelp(program, PROGRAM_HELP);
  // Not commander's .version(): that prints one fixed string and knows no --json.
  program.on('option:version', () => {
    const node = process.versions.node;
    io.stdout.write(wantsJson(argv) ? `${JSON.stringify(versionDocument(VERSION, node), null, 2)}\n` : versionText(VERSION, node));
    throw new CommanderError(0, 'commander.version', VERSION);
  });
  for (const make of commands) program.addCommand(make(io));
  return program;
}

function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

export async function main(argv: string[], partial: Partial<CliIO> = {}): Promise<number> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second Ctrl-C means "now": the work already had its chance to stop cleanly.
      process.exit(ExitCode.aborted);
    }
    controller.abort(new AbortedError(`aborted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `readmodel ... | head -1`: the reader leaving is not an error. Stop writing quietly and let long
  // work stop as on SIGPIPE, instead of crashing on the unhandled EPIPE.
  for (const stream of [partial.stdout ? undefined : process.stdout, partial.stderr ? undefined : process.stderr]) {
    if (stream && stream.listenerCount('error') === 0) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
        if (!controller.signal.aborted) controller.abort(new AbortedError('output closed by the reader (broken pipe)'));
      });
    }
  }
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    abort: (reason) => controller.abort(reason ?? new AbortedError('aborted by the operator')),
    ...partial,
  };
  try {
    await buildProgram(io, argv).parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version surface as "errors" with exit code 0.
      if (err.exitCode === 0) return ExitCode.ok;
      if (wantsJson(argv)) {
        const flag = /option '(?:-\w, )?(--[\w-]+)/.exec(err.message)?.[1];
        const usage = new UsageError(err.message.replace(/^error: /, ''), {
          ...(flag ? { context: { flag } } : {}),
          suggestion: 'run the command with --help for its flags and examples',
        });
        return renderError(usage, io, true);
      }
      return ExitCode.usage;
    }
    return renderError(err, io, wantsJson(argv));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
