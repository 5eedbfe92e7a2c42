import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import { aliasCommand } from './alias.js';
import { consumeCommand } from './consume.js';
import { fixturesCommand } from './fixtures.js';
import { rebuildCommand } from './rebuild.js';
import { sandboxCommand } from './sandbox.js';

/** Every top-level command, one module each. */
export const commands: Array<(io: CliIO) => Command> = [rebuildCommand, aliasCommand, consumeCommand, fixturesCommand, sandboxCommand];
