import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/** One option as a shell completes it. */
export interface CompletionOption {
  flags: string[];
  description: string;
  /** The option takes a value (the next word is not a subcommand or positional). */
  takesValue: boolean;
  /** Fixed values (e.g. --on-invalid stop|skip). */
  choices?: string[];
  /** The value is a path (<file>, <dir>). */
  path?: boolean;
}

/** One command of the tree, addressed by its path below the program ("" for the program, "alias swap"). */
export interface CompletionCommand {
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  options: CompletionOption[];
  /** Words for each positional argument, in order (model names for <model>, choices where declared). */
  args: string[][];
}

/**
 * Reads the completion data off the commander tree itself, so every command added to the program,
 * today's and later ones, completes without anyone writing a completion line by hand.
 */
export function completionSpec(program: CommandUnknownOpts, models: readonly string[]): CompletionCommand[] {
  const out: CompletionCommand[] = [];
  const walk = (cmd: CommandUnknownOpts, path: string[]) => {
    const visible = cmd.commands.filter((c) => !(c as { _hidden?: boolean })._hidden);
    out.push({
      path: path.join(' '),
      subcommands: visible.map((c) => ({ name: c.name(), description: firstLine(c.summary() || c.description()) })),
      options: [
        ...cmd.options
          .filter((o) => !o.hidden)
          .map((o) => ({
            flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
            description: firstLine(o.description),
            takesValue: o.required || o.optional,
            ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
            ...(/<(file|dir)>/.test(o.flags) ? { path: true } : {}),
          })),
        { flags: ['-h', '--help'], description: 'display help for command', takesValue: false },
      ],
      args: cmd.registeredArguments.map((a) => (a.argChoices ? [...a.argChoices] : a.name() === 'model' ? [...models] : [])),
    });
    for (const sub of visible) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** A word list as one shell-safe single-quoted string. */
export function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
