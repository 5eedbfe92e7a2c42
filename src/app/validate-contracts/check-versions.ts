import { checkCompatibility } from '../../core/contracts/compatibility/check-compatibility.js';
import { explainDifference } from '../../core/contracts/compatibility/compatibility-rules.js';
import type { EventContract } from '../../core/contracts/contract-types.js';
import { check, item, skippedItem, type CheckResult, type ContractCheckViolation } from './report.js';

/** (c) Consecutive (or, for _TRANSITIVE modes, all earlier) versions of each event type, under its declared mode. */
export function checkVersions(contracts: readonly EventContract[], fileOf: Map<string, string>): CheckResult {
  const show = (c: EventContract) => fileOf.get(c.file) ?? c.file;
  const items = checkCompatibility(contracts).map((pair) => {
    const name = `${pair.eventType} v${pair.older.version} -> v${pair.newer.version} (${pair.mode})`;
    if (!pair.checked) {
      return skippedItem(name, `compatibility ${pair.mode} declared by ${show(pair.newer)}: a deliberate break, not checked`);
    }
    const violations: ContractCheckViolation[] = pair.outcomes.flatMap((o) =>
      o.incompatible.map((d) => ({
        file: show(pair.newer),
        otherFile: show(pair.older),
        pointer: d.pointer,
        rule: d.kind,
        message: explainDifference(d, o.direction, `v${pair.older.version}`, `v${pair.newer.version}`),
      })),
    );
    return item(name, violations);
  });
  return check('compatibility', items);
}
