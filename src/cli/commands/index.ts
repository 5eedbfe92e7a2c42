import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { aliasCommand } from './alias/index.js';
import { checkCommand } from './check.js';
import { configCommand } from './config/index.js';
import { completionCommand } from './completion.js';
import { consumeCommand } from './consume.js';
import { diffCommand } from './diff.js';
import { fixturesCommand } from './fixtures/index.js';
import { helpCommand } from './help.js';
import { getCommand } from './get.js';
import { lagCommand } from './lag/index.js';
import { pruneCommand } from './prune.js';
import { queryCommand } from './query.js';
import { rebuildCommand } from './rebuild.js';
import { replayCommand } from './replay.js';
import { sandboxCommand } from './sandbox/index.js';
import { suggestCommand } from './suggest.js';
import { validateContractsCommand } from './validate-contracts.js';

/** Every top-level command, one module each. */
export const commands: Array<(io: CliIO) => CommandUnknownOpts> = [
  rebuildCommand,
  checkCommand,
  aliasCommand,
  pruneCommand,
  replayCommand,
  consumeCommand,
  diffCommand,
  queryCommand,
  getCommand,
  suggestCommand,
  fixturesCommand,
  configCommand,
  sandboxCommand,
  lagCommand,
  validateContractsCommand,
  completionCommand,
  helpCommand,
];
