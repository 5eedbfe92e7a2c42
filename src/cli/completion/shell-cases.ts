import type { CompletionCommand } from './completion-spec.js';

/**
 * The data every shell script looks up by command path, as POSIX-style `case` arms (bash and zsh read
 * the same syntax): subcommands, options, options that take a value, fixed values and positionals.
 */
export function shellCases(spec: readonly CompletionCommand[], fn: string): string {
  const arms = (pick: (c: CompletionCommand) => string | undefined) =>
    spec
      .map((c) => [c.path, pick(c)] as const)
      .filter((x): x is readonly [string, string] => Boolean(x[1]))
      .map(([path, words]) => `    "${path}") echo ${JSON.stringify(words)} ;;`)
      .join('\n');
  const valued = (c: CompletionCommand) => c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
  const choiceArms = spec
    .flatMap((c) =>
      c.options
        .filter((o) => o.choices)
        .flatMap((o) => o.flags.map((f) => `    "${c.path}|${f}") echo ${JSON.stringify(o.choices!.join(' '))} ;;`)),
    )
    .join('\n');
  const pathArms = spec.flatMap((c) => c.options.filter((o) => o.path).flatMap((o) => o.flags.map((f) => `"${c.path}|${f}"`))).join('|');
  const argArms = spec
    .flatMap((c) => c.args.map((words, i) => (words.length ? `    "${c.path}|${i}") echo ${JSON.stringify(words.join(' '))} ;;` : '')))
    .filter(Boolean)
    .join('\n');
  return `${fn}_subcommands() {
  case "$1" in
${arms((c) => c.subcommands.map((s) => s.name).join(' ') || undefined)}
  esac
}
${fn}_options() {
  case "$1" in
${arms((c) => c.options.flatMap((o) => o.flags).join(' '))}
  esac
}
${fn}_valued() {
  case "$1" in
${arms((c) => valued(c).join(' ') || undefined)}
  esac
}
${fn}_choices() {
  case "$1|$2" in
${choiceArms}
  esac
}
${fn}_is_path() {
  case "$1|$2" in
    ${pathArms || '"-"'}) return 0 ;;
  esac
  return 1
}
${fn}_args() {
  case "$1|$2" in
${argArms}
  esac
}`;
}
