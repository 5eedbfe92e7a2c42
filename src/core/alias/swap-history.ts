/** One alias change, as recorded in the history index. */
export interface SwapRecord {
  model: string;
  alias: string;
  action: 'swap' | 'rollback';
  from: string | null;
  to: string;
  at: string;
  checksum?: string;
  /** Gate reasons overridden with --force. */
  forced?: string[];
  seq: number;
}

/**
 * Where a rollback goes: each swap pushes the index it replaced, each rollback pops one, so repeated
 * rollbacks walk back through earlier indices instead of toggling between the last two.
 */
export function rollbackTarget(history: readonly SwapRecord[]): string | undefined {
  const stack: string[] = [];
  for (const r of [...history].sort((a, b) => a.seq - b.seq)) {
    if (r.action === 'swap' && r.from) stack.push(r.from);
    else if (r.action === 'rollback') stack.pop();
  }
  return stack[stack.length - 1];
}
