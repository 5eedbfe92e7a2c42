import { capabilitiesOf, engineLabel, type EngineTarget } from './engine-capabilities.js';
import { mappingProblems, type MappingProblem } from './mapping-problems.js';

export interface MappingCandidate {
  file: string;
  body: unknown;
}

export type MappingChoice =
  { ok: true; chosen: MappingCandidate } | { ok: false; problems: Array<{ file: string; problems: MappingProblem[] }>; why: string };

/**
 * The mapping a build on `target` uses: the first of `candidates` (the model's variants in order of
 * preference, then its base mapping) that uses only what the engine offers. A pure function of the
 * files and the engine's major, so the build hash, and with it the index name, is the same on every
 * run against the same engine family and major.
 */
export function chooseMapping(candidates: readonly MappingCandidate[], target: EngineTarget): MappingChoice {
  const caps = capabilitiesOf(target);
  if (!caps) return { ok: false, problems: [], why: `${engineLabel(target)} is not a supported engine version` };
  const tried: Array<{ file: string; problems: MappingProblem[] }> = [];
  for (const c of candidates) {
    const problems = mappingProblems(c.body, caps);
    if (problems.length === 0) return { ok: true, chosen: c };
    tried.push({ file: c.file, problems });
  }
  return { ok: false, problems: tried, why: `no mapping of the model uses only what ${engineLabel(target)} offers` };
}
