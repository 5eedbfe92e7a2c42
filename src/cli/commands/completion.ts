import { Argument, Command } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { behaveLikeProgram, withHelp } from '../command-kit.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionCommand(io: CliIO) {
  const cmd = new Command('completion')
    .description('Print a shell completion script for readmodel (subcommands, options, their values and model names)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .option('-c, --config <file>', 'also complete the models this config registers (default: searched from the current folder up)')
    .action(async (shell, flags, self) => {
      const { completionSpec } = await import('../completion/completion-spec.js');
      const spec = completionSpec(self.parent ?? self, await modelNames(io, flags.config));
      const { bashCompletion } = await import('../completion/bash-completion.js');
      const { zshCompletion } = await import('../completion/zsh-completion.js');
      const { fishCompletion } = await import('../completion/fish-completion.js');
      io.stdout.write({ bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }[shell](spec));
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes:
        'The script is generated from the command tree, so it knows every command of this version. Model names are the\nshipped ones plus those of the config found here; generate it again after registering a model.',
      exitCodes: { 0: 'printed', 2: 'usage (unknown shell)', 3: 'config (--config given and unreadable)' },
      examples: [
        'readmodel completion bash > ~/.local/share/bash-completion/completions/readmodel',
        'readmodel completion zsh > "${fpath[1]}/_readmodel"',
        'readmodel completion fish > ~/.config/fish/completions/readmodel.fish',
        'source <(readmodel completion bash)   # this shell only',
      ],
      seeAlso: ['readmodel help'],
    }),
    io,
  );
}

/**
 * The shipped models, plus the config's. A config found by searching that cannot be read only costs
 * its model names (said on stderr): completion must not fail in a folder with a broken config. One
 * given with --config is read or refused like everywhere else.
 */
async function modelNames(io: CliIO, configFile: string | undefined): Promise<string[]> {
  const { builtInModels } = await import('../../core/read-models/catalog.js');
  const names = new Set(builtInModels.map((m) => m.name));
  const { loadConfig } = await import('../../config/load-config.js');
  try {
    const config = await loadConfig({ cwd: io.cwd, env: {}, flags: configFile ? { config: configFile } : {} });
    for (const name of Object.keys(config.models)) names.add(name);
  } catch (err) {
    if (configFile) throw err;
    io.stderr.write(`note: the config here was not read (${(err as Error).message}); completing the shipped models only\n`);
  }
  return [...names].sort();
}
