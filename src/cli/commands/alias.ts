import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { swapText } from '../output/swap-text.js';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, withConnectionOptions, withProgress } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

interface SwapFlags extends GlobalFlags {
  to: string;
  overrideGates?: boolean;
  force?: boolean;
}

export function aliasCommand(io: CliIO): Command {
  const show = withConnectionOptions(
    new Command('show')
      .description('Show where <model>_current points, the candidate indices and the swap history')
      .argument('<model>', 'read model'),
  ).action(async (modelName: string, flags: GlobalFlags) => {
    const { connect } = await import('../connect.js');
    const { runAliasShow } = await import('../../app/run-alias.js');
    const { silentProgress } = await import('../../core/progress/progress-events.js');
    const c = await connect(io, flags);
    const sink = c.sink();
    try {
      const state = await runAliasShow({ model: await c.model(modelName) }, { sink, progress: silentProgress });
      if (flags.json) return writeJson(io, state);
      const lines = [`${state.alias} -> ${state.targets.join(', ') || '(not set)'}`, '', 'indices:'];
      for (const i of state.indices) {
        lines.push(
          `  ${i.live ? '*' : ' '} ${i.name}  ${i.status}${i.lease ? ` (${i.lease})` : ''}  ${i.docsCount} docs${i.checksum ? `  checksum ${i.checksum}` : ''}`,
        );
      }
      if (state.indices.length === 0) lines.push('  (none: run readmodel rebuild)');
      lines.push('', 'history:');
      for (const h of state.history) lines.push(`  #${h.seq} ${h.at} ${h.action} ${h.from ?? '(none)'} -> ${h.to}${h.forced ? ` (forced: ${h.forced.join('; ')})` : ''}`);
      if (state.history.length === 0) lines.push('  (no swaps yet)');
      if (state.rollbackTo) lines.push('', `rollback would go to ${state.rollbackTo}`);
      if (state.unrecordedChange) {
        lines.push(
          '',
          `note: the history says ${state.alias} -> ${state.unrecordedChange.recorded ?? '(none)'}, but it points at ${state.unrecordedChange.actual ?? '(nothing)'}` +
            ' (an interrupted swap or a change by hand); the next swap or rollback records it',
        );
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await sink.close();
    }
  });

  const swap = withConnectionOptions(
    new Command('swap')
      .description('Atomically point <model>_current at a complete index built for the model (gated)')
      .argument('<model>', 'read model')
      .requiredOption('--to <index>', 'the index to expose, e.g. product_search_v1_ab12cd34ef', indexNameOption('--to'))
      .option('--override-gates', 'swap even if gates fail (every overridden verdict is written into the swap history)')
      .addOption(new Option('--force').hideHelp()),
  ).action(async (modelName: string, flags: SwapFlags) => {
    if (flags.force) {
      throw new UsageError('alias swap has no --force: overriding swap gates is --override-gates', {
        suggestion: `readmodel alias swap ${modelName} --to ${flags.to} --override-gates`,
      });
    }
    const { connect } = await import('../connect.js');
    const { runAliasSwap } = await import('../../app/run-alias.js');
    const { gatesFor } = await import('../../app/swap-gates.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const r = await withProgress(io, flags, (progress) =>
        runAliasSwap(
          { model, to: flags.to, overrideGates: Boolean(flags.overrideGates), gates: gatesFor(model, c.config.models[model.name]?.gates, sink) },
          { sink, progress },
        ),
      );
      if (flags.json) return writeJson(io, r);
      io.stdout.write(swapText(r));
    } finally {
      await sink.close();
    }
  });

  const rollback = withConnectionOptions(
    new Command('rollback')
      .description('Atomically point <model>_current back at the index it pointed at before the last swap')
      .argument('<model>', 'read model'),
  ).action(async (modelName: string, flags: GlobalFlags) => {
    const { connect } = await import('../connect.js');
    const { runAliasRollback } = await import('../../app/run-alias.js');
    const c = await connect(io, flags);
    const sink = c.sink();
    try {
      const model = await c.model(modelName);
      const r = await withProgress(io, flags, (progress) => runAliasRollback({ model }, { sink, progress }));
      if (flags.json) return writeJson(io, r);
      io.stdout.write(swapText(r, 'rolled back'));
    } finally {
      await sink.close();
    }
  });

  return behaveLikeProgram(new Command('alias'), io)
    .description('Show, swap or roll back the <model>_current alias')
    .addCommand(behaveLikeProgram(show, io))
    .addCommand(behaveLikeProgram(swap, io))
    .addCommand(behaveLikeProgram(rollback, io));
}
