import type { AliasState } from '../../app/run-alias.js';

/** The human report of `alias show`: where the alias points, every build of the model, the swap history. */
export function aliasShowText(state: AliasState): string {
  const lines = [`${state.alias} -> ${state.targets.join(', ') || '(not set)'}`, '', 'indices:'];
  for (const i of state.indices) {
    lines.push(
      `  ${i.live ? '*' : ' '} ${i.name}  ${i.status}${i.lease ? ` (${i.lease})` : ''}  ${i.docsCount} docs${i.checksum ? `  checksum ${i.checksum}` : ''}`,
    );
  }
  if (state.indices.length === 0) lines.push('  (none: run readmodel rebuild)');
  lines.push('', 'history:');
  for (const h of state.history)
    lines.push(`  #${h.seq} ${h.at} ${h.action} ${h.from ?? '(none)'} -> ${h.to}${h.forced ? ` (forced: ${h.forced.join('; ')})` : ''}`);
  if (state.history.length === 0) lines.push('  (no swaps yet)');
  if (state.rollbackTo) lines.push('', `rollback would go to ${state.rollbackTo}`);
  if (state.unrecordedChange) {
    lines.push(
      '',
      `note: the history says ${state.alias} -> ${state.unrecordedChange.recorded ?? '(none)'}, but it points at ${state.unrecordedChange.actual ?? '(nothing)'}` +
        ' (an interrupted swap or a change by hand); the next swap or rollback records it',
    );
  }
  return `${lines.join('\n')}\n`;
}
