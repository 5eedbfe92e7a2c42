import { InvalidArgumentError, type Command, type CommandUnknownOpts, type OptionValues } from '@commander-js/extra-typings';
import { createProgressBus, type ProgressBus } from '../core/progress/progress-events.js';
import { parseRetryBudget } from '../core/retry.js';
import { parseDuration } from '../core/lag/duration.js';
import type { CliIO } from './cli-io.js';
import { attachProgressView } from './output/attach-progress-view.js';
import type { GlobalFlags } from './connect.js';
import { assertIndexName, assertTopicName } from '../core/naming/name-checks.js';
import type { ExitCodeValue } from '../core/errors.js';
import { governMemory } from './memory-governor.js';

/** The typed option values of a command, as its declarations make them. */
export type OptionsOf<C> = C extends { opts(): infer Opts } ? Opts : never;

/**
 * `addCommand` does not pass the program's settings down; without this a bad flag on a subcommand
 * would make commander exit the process itself instead of throwing to main().
 */
export function behaveLikeProgram<C extends CommandUnknownOpts>(cmd: C, io: CliIO): C {
  return cmd
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
}

/**
 * The connection flags every command that talks to Kafka or a search engine accepts. Generic so the
 * command's typed options grow by exactly these flags (their declaration is their type).
 */
export function withConnectionOptions<Args extends unknown[], Opts extends OptionValues, G extends OptionValues>(
  cmd: Command<Args, Opts, G>,
) {
  return cmd
    .option('-c, --config <file>', 'config file (default: searched from the current folder up)')
    .option('--brokers <list>', 'Kafka bootstrap brokers, host:port[,host:port] [READMODEL_KAFKA_BROKERS]')
    .option('--engine <kind>', 'search engine: opensearch | elasticsearch [READMODEL_SEARCH_ENGINE]')
    .option('--node <url>', 'search engine URL(s), comma-separated [READMODEL_SEARCH_NODE]')
    .option('--contracts <dir>', 'event contracts folder (default: the shipped contracts/)')
    .option('--json', 'machine-readable: the result as JSON on stdout, progress as NDJSON on stderr')
    .option('--no-tui', 'never start the interactive terminal UI');
}

/** --retry-budget on commands that write through the search sink for a long time. */
export function withRetryBudgetOption<Args extends unknown[], Opts extends OptionValues, G extends OptionValues>(
  cmd: Command<Args, Opts, G>,
) {
  return cmd.option(
    '--retry-budget <duration>',
    'how long failing search requests (429, 502/503/504, resets, timeouts) are retried before giving up: 90s, 10m, 1h or "unbounded" [search.retryBudget, default 5m]',
    (v: string): number => {
      const ms = parseRetryBudget(v);
      if (ms === undefined)
        throw new InvalidArgumentError(
          `--retry-budget must be a duration like 90s, 5m, 1h (a plain number is ms) or "unbounded", got "${v}"`,
        );
      return ms;
    },
  );
}

/** A whole number >= 0 in plain decimal digits ("1e3", "0x10" and "12abc" are refused). */
export function parseIntOption(name: string) {
  return (v: string): number => {
    const n = Number(v.trim());
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
    return n;
  };
}

/** Sizes and counts where 0 makes no sense (a batch of 0 events would never progress). */
export function parsePositiveIntOption(name: string) {
  const parse = parseIntOption(name);
  return (v: string): number => {
    const n = parse(v);
    if (n < 1) throw new InvalidArgumentError(`${name} must be at least 1, got "${v}"`);
    return n;
  };
}

/** A TCP port to listen on; 0 asks the system for a free one. */
export function parsePortOption(name: string) {
  const parse = parseIntOption(name);
  return (v: string): number => {
    const n = parse(v);
    if (n > 65535) throw new InvalidArgumentError(`${name} must be a port in 0..65535, got "${v}"`);
    return n;
  };
}

/** A duration such as 500ms, 10s, 5m, 1h (a plain number is ms); `allowOff` also takes "off"/"none" as false. */
export function durationOption(name: string): (v: string) => number;
export function durationOption(name: string, allowOff: true): (v: string) => number | false;
export function durationOption(name: string, allowOff = false) {
  return (v: string): number | false => {
    if (allowOff && /^(off|none)$/i.test(v)) return false;
    const ms = parseDuration(v);
    if (ms === undefined)
      throw new InvalidArgumentError(
        `${name} must be a duration like 500ms, 10s, 5m, 1h (a plain number is ms)${allowOff ? ' or "off"' : ''}, got "${v}"`,
      );
    return ms;
  };
}

/** A duration that must be longer than zero, e.g. a time limit. */
export function positiveDurationOption(name: string) {
  return (v: string): number => {
    const ms = parseDuration(v);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`${name} "${v}" is not a positive duration: use e.g. 90s, 15m or 1h`);
    return ms;
  };
}

/** An ISO-8601 time, e.g. 2026-03-01T12:00:00Z. */
export function isoTimeOption(name: string) {
  return (v: string): Date => {
    const at = new Date(v);
    if (!v.trim() || Number.isNaN(at.getTime())) throw new InvalidArgumentError(`${name} is not an ISO-8601 time: "${v}"`);
    return at;
  };
}

/** A share between 0 and 1 inclusive, e.g. 0.05. */
export function parseShareOption(name: string) {
  return (v: string): number => {
    const n = Number(v.trim());
    if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1, got "${v}"`);
    return n;
  };
}

function nameOption(check: (value: string, source: { flag: string }) => string, flag: string) {
  return (v: string): string => {
    try {
      return check(v, { flag });
    } catch (err) {
      const suggestion = (err as { suggestion?: string }).suggestion;
      throw new InvalidArgumentError(`${(err as Error).message.replace(`${flag}: `, '')}${suggestion ? `; ${suggestion}` : ''}`);
    }
  };
}

/** An index or alias name given on the command line: one index, by the engines' naming rules. */
export const indexNameOption = (flag: string) => nameOption(assertIndexName, flag);
/** A Kafka topic given on the command line, checked before any broker is asked. */
export const topicNameOption = (flag: string) => nameOption(assertTopicName, flag);

const memoryHeavy = new WeakSet<CommandUnknownOpts>();

/**
 * Declares a long-running, memory-heavy command: the memory governor (memory-governor.ts) starts
 * just before its action runs, after its flags parsed. Every other command, `--help` and usage
 * errors never start the governor's timer.
 */
export function withMemoryGovernor<C extends CommandUnknownOpts>(cmd: C): C {
  memoryHeavy.add(cmd);
  return cmd.hook('preAction', () => governMemory()) as C;
}

/** Whether a command was declared with withMemoryGovernor. */
export function governsMemory(cmd: CommandUnknownOpts): boolean {
  return memoryHeavy.has(cmd);
}

/**
 * Runs work with a progress bus and whichever view fits the terminal, and always closes the view.
 * `bus` is for work whose adapters were made before the view (they report to it from then on).
 */
export async function withProgress<T>(
  io: CliIO,
  flags: GlobalFlags,
  work: (bus: ProgressBus) => Promise<T>,
  bus: ProgressBus = createProgressBus(),
): Promise<T> {
  const view = await attachProgressView(bus, io, { ...(flags.json ? { json: true } : {}), ...(flags.tui === false ? { tui: false } : {}) });
  try {
    const result = await work(bus);
    await view.close();
    return result;
  } catch (error) {
    await view.close({ error });
    throw error;
  }
}

/** What every command's --help ends with: when it exits with which code, how it is typed, what is related. */
export interface CommandHelp {
  /** Text before the exit codes (rules, statuses, what is never touched). */
  notes?: string;
  /** Exit code -> when, e.g. `{ 0: 'swapped', 7: 'a swap gate refused' }`; only codes of the README table type-check. */
  exitCodes: Partial<Record<ExitCodeValue, string>>;
  /** Whole command lines, each starting with `readmodel`; a trailing `# ...` explains it. */
  examples: readonly string[];
  /** Related commands as their paths, e.g. `readmodel alias swap` (the help test checks each exists). */
  seeAlso: readonly string[];
}

const declaredHelp = new WeakMap<CommandUnknownOpts, CommandHelp>();

/**
 * Declares a command's exit codes, examples and related commands in the one format every --help uses
 * (the help unit test walks the whole command tree and fails on a command declared without it).
 */
export function withHelp<C extends CommandUnknownOpts>(cmd: C, help: CommandHelp): C {
  declaredHelp.set(cmd, help);
  return cmd.addHelpText('after', helpFooter(help)) as C;
}

/** What withHelp declared for a command, if anything. */
export function helpOf(cmd: CommandUnknownOpts): CommandHelp | undefined {
  return declaredHelp.get(cmd);
}

/** The "Exit codes:", "Examples:" and "See also:" paragraphs, wrapped for an 80-120 column terminal. */
export function helpFooter(help: CommandHelp): string {
  // A code never ends a line apart from the words that say when (the placeholder is a no-break join).
  const codes = Object.entries(help.exitCodes).map(([code, when]) => `${code}\u00a0${when}`);
  const exit = wrap(`Exit codes: ${codes.join(', ')}.`, 110).replaceAll('\u00a0', ' ');
  const examples = help.examples.map((e) => `  ${e}`).join('\n');
  const seeAlso = wrap(`See also: ${help.seeAlso.map((p) => p.replaceAll(' ', '\u00a0')).join(', ')}.`, 110).replaceAll('\u00a0', ' ');
  return `\n${help.notes ? `${help.notes.trim()}\n\n` : ''}${exit}\n\n${help.examples.length === 1 ? 'Example' : 'Examples'}:\n${examples}\n\n${seeAlso}\n`;
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}
