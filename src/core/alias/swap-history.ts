/** One alias change, as recorded in the history index. */
export interface SwapRecord {
  model: string;
  alias: string;
  /** `reconcile`: the alias was found where the history did not say (an interrupted swap, a change by hand). */
  action: 'swap' | 'rollback' | 'reconcile';
  from: string | null;
  to: string;
  at: string;
  checksum?: string;
  /** Gate reasons overridden with --override-gates. */
  forced?: string[];
  seq: number;
}

/**
 * Where a rollback goes: each swap pushes the index it replaced, each rollback pops one, so repeated
 * rollbacks walk back through earlier indices instead of toggling between the last two.
 */
export function rollbackTarget(history: readonly SwapRecord[]): string | undefined {
  return rollbackStack(history)[0];
}

/** Every index a run of rollbacks would visit, the next one first. */
export function rollbackStack(history: readonly SwapRecord[]): string[] {
  const stack: string[] = [];
  for (const r of [...history].sort((a, b) => a.seq - b.seq)) {
    if ((r.action === 'swap' || r.action === 'reconcile') && r.from) stack.push(r.from);
    else if (r.action === 'rollback') stack.pop();
  }
  return stack.reverse();
}

/** Where the history says the alias points (undefined when it records nothing). */
export function recordedTarget(history: readonly SwapRecord[]): string | undefined {
  const last = [...history].sort((a, b) => a.seq - b.seq).at(-1);
  return last?.to;
}
