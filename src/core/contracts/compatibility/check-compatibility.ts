import type { CompatibilityMode, EventContract, JsonSchema } from '../contract-types.js';
import { directionsFor, isCompatibleKind, isTransitive, type ReadDirection } from './compatibility-rules.js';
import { diffSchemas } from './schema-diff.js';
import type { SchemaDifference } from './schema-difference.js';

export interface DirectionOutcome {
  direction: ReadDirection;
  /** Every difference found, writer -> reader for this direction. */
  differences: SchemaDifference[];
  /** The ones a consumer does not survive. */
  incompatible: SchemaDifference[];
}

/** Can consumers on either side of one version step read each other, as the newer version's mode demands? */
export function checkSchemaPair(older: JsonSchema, newer: JsonSchema, directions: readonly ReadDirection[]): DirectionOutcome[] {
  return directions.map((direction) => {
    const differences = direction === 'backward' ? diffSchemas(older, newer) : diffSchemas(newer, older);
    return { direction, differences, incompatible: differences.filter((d) => !isCompatibleKind(d.kind)) };
  });
}

export interface CompatibilityPair {
  eventType: string;
  /** The mode declared by the newer version (as a registry applies the subject's mode at registration). */
  mode: CompatibilityMode;
  older: EventContract;
  newer: EventContract;
  /** Empty when the mode is NONE: the pair is listed, but not checked. */
  outcomes: DirectionOutcome[];
  compatible: boolean;
  checked: boolean;
}

/**
 * Applies each event type's compatibility mode across its versions: every version is checked against its
 * predecessor, or against all earlier versions for the _TRANSITIVE modes. The mode is the newer version's
 * own `x-readmodel.compatibility` (BACKWARD when absent), so a deliberate break (NONE) covers one step only.
 */
export function checkCompatibility(contracts: readonly EventContract[]): CompatibilityPair[] {
  const byType = new Map<string, EventContract[]>();
  for (const c of contracts) byType.set(c.eventType, [...(byType.get(c.eventType) ?? []), c]);
  const pairs: CompatibilityPair[] = [];
  for (const [eventType, versions] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    for (let j = 1; j < sorted.length; j++) {
      const newer = sorted[j]!;
      const mode = newer.compatibility;
      const earlier = isTransitive(mode) ? sorted.slice(0, j) : [sorted[j - 1]!];
      for (const older of earlier.reverse()) {
        const directions = directionsFor(mode);
        const outcomes = checkSchemaPair(older.schema, newer.schema, directions);
        pairs.push({
          eventType,
          mode,
          older,
          newer,
          outcomes,
          checked: directions.length > 0,
          compatible: outcomes.every((o) => o.incompatible.length === 0),
        });
      }
    }
  }
  return pairs;
}
