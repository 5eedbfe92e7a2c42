import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { writeJson } from '../../cli-io.js';
import { behaveLikeProgram, withConnectionOptions, withHelp } from '../../command-kit.js';

export function configShowCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('show').description('Print the resolved configuration (file < environment < flags), secrets redacted'),
  ).action(async (flags) => {
    const { loadConfig } = await import('../../../config/load-config.js');
    const { redact } = await import('../../../config/redact.js');
    const config = redact(await loadConfig({ cwd: io.cwd, env: io.env, flags }));
    if (flags.json) return writeJson(io, config);
    io.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: { 0: 'printed', 2: 'usage', 3: 'config (unreadable or invalid file, bad environment value)' },
      examples: ['readmodel config show', 'readmodel config show --config ./readmodel.yaml --engine elasticsearch --json'],
      seeAlso: ['readmodel sandbox status', 'readmodel check'],
    }),
    io,
  );
}
