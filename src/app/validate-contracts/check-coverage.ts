import { contractFileName } from '../../core/contracts/contract-id.js';
import type { EventContract } from '../../core/contracts/contract-types.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import { check, item, skippedItem, type CheckResult, type ContractCheckViolation } from './report.js';

/**
 * (d) Projections and contracts agree: a handled event type without a contract can never validate, and a
 * contract nobody handles is either a forgotten projection case or must say it is ignored on purpose
 * (the projection's `ignores`, or `"ignored": true` in the contract's x-readmodel).
 */
export function checkCoverage(
  contracts: readonly EventContract[],
  models: readonly ReadModelDefinition[],
  ctx: { contractsDir: string; fileOf: Map<string, string>; rejected?: Map<string, string> },
): CheckResult {
  const latest = new Map<string, EventContract>();
  for (const c of contracts) if ((latest.get(c.eventType)?.version ?? 0) < c.version) latest.set(c.eventType, c);
  const types = new Set([...latest.keys(), ...models.flatMap((m) => m.projection.handles)]);

  const items = [...types].sort().map((type) => {
    const contract = latest.get(type);
    const rejectedFile = ctx.rejected?.get(type);
    if (!contract && rejectedFile) return skippedItem(type, `its contract ${rejectedFile} is rejected under "schemas"`);
    const file = contract ? (ctx.fileOf.get(contract.file) ?? contract.file) : `${ctx.contractsDir}/events/${contractFileName(type, 1)}`;
    const handledBy = models.filter((m) => m.projection.handles.includes(type));
    const ignoredBy = models.filter((m) => m.projection.ignores?.includes(type));
    const markedIgnored = (contract?.schema['x-readmodel'] as { ignored?: unknown } | undefined)?.ignored === true;
    const v: ContractCheckViolation[] = [];

    if (!contract) {
      v.push({
        file,
        pointer: '/',
        rule: 'missing-contract',
        message: `${handledBy.map((m) => m.name).join(', ')} handles ${type}, but no contract defines it (expected ${contractFileName(type, 1)})`,
      });
    } else if (handledBy.length === 0 && ignoredBy.length === 0 && !markedIgnored) {
      v.push({
        file,
        pointer: '/x-readmodel/eventType',
        rule: 'unhandled-event',
        message: `no projection handles ${type}: handle it, list it in a projection's "ignores", or mark the contract "x-readmodel": { "ignored": true }`,
      });
    }
    for (const m of handledBy.filter((x) => ignoredBy.includes(x))) {
      v.push({
        file,
        pointer: '/x-readmodel/eventType',
        rule: 'handled-and-ignored',
        message: `projection ${m.projection.name} both handles and ignores ${type}`,
      });
    }
    if (contract && markedIgnored && handledBy.length > 0) {
      v.push({
        file,
        pointer: '/x-readmodel/ignored',
        rule: 'ignored-but-handled',
        message: `the contract says ${type} is ignored, but ${handledBy.map((m) => m.projection.name).join(', ')} handles it`,
      });
    }
    if (contract) {
      for (const m of handledBy.filter((x) => x.projection.aggregateType !== contract.aggregateType)) {
        v.push({
          file,
          pointer: '/x-readmodel/aggregateType',
          rule: 'aggregate-type',
          message: `${type} is an event of ${contract.aggregateType}, but projection ${m.projection.name} folds ${m.projection.aggregateType} aggregates`,
        });
      }
    }
    return item(type, v);
  });
  return check('coverage', items);
}
