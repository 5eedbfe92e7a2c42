import type { ReadModelDefinition } from '../../core/read-model.js';
import { loadValidationInputs } from './load-inputs.js';
import type { ValidationInputs } from './inputs.js';
import type { ValidateContractsReport } from './report.js';
import { validateContracts } from './validate-contracts.js';

export interface ValidateContractsOptions {
  /** Absolute folders. */
  contractsDir: string;
  fixturesDir: string;
  /** Mapping files are `model.mappingFile` relative to this folder. */
  packageRoot: string;
  /** Paths in the report are relative to this folder when inside it. */
  cwd: string;
}

export interface ValidateContractsDeps {
  models: readonly ReadModelDefinition[];
  /** Replaceable for tests; reads the folders by default. */
  load?: (o: ValidateContractsOptions & { models: readonly ReadModelDefinition[] }) => Promise<ValidationInputs>;
}

/** Reads contracts, fixtures and mappings, runs every check, returns the report. Throws only on usage errors. */
export async function runValidateContracts(
  options: ValidateContractsOptions,
  deps: ValidateContractsDeps,
): Promise<ValidateContractsReport> {
  const load = deps.load ?? loadValidationInputs;
  const inputs = await load({ ...options, models: deps.models });
  return validateContracts(inputs, deps.models);
}
