import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { aliasCommand } from './alias.js';
import { checkCommand } from './check.js';
import { configCommand } from './config.js';
import { consumeCommand } from './consume.js';
import { diffCommand } from './diff.js';
import { fixturesCommand } from './fixtures.js';
import { lagCommand } from './lag.js';
import { pruneCommand } from './prune.js';
import { rebuildCommand } from './rebuild.js';
import { replayCommand } from './replay.js';
import { sandboxCommand } from './sandbox.js';
import { validateContractsCommand } from './validate-contracts.js';

/** Every top-level command, one module each. */
export const commands: Array<(io: CliIO) => Command> = [rebuildCommand, checkCommand, aliasCommand, pruneCommand, replayCommand, consumeCommand, diffCommand, fixturesCommand, configCommand, sandboxCommand, lagCommand, validateContractsCommand];
