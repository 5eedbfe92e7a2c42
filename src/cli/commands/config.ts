import { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, withConnectionOptions } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

export function configCommand(io: CliIO): Command {
  const show = withConnectionOptions(
    new Command('show').description('Print the resolved configuration (file < environment < flags), secrets redacted'),
  ).action(async (flags: GlobalFlags) => {
    const { loadConfig } = await import('../../config/load-config.js');
    const { redact } = await import('../../config/redact.js');
    const config = redact(await loadConfig({ cwd: io.cwd, env: io.env, flags }));
    if (flags.json) return writeJson(io, config);
    io.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
  });
  return behaveLikeProgram(new Command('config'), io)
    .description('Inspect the configuration readmodel would use')
    .addCommand(behaveLikeProgram(show, io));
}
