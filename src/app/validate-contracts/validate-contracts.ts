import type { ReadModelDefinition } from '../../core/read-model.js';
import { checkCoverage } from './check-coverage.js';
import { checkFixtures } from './check-fixtures.js';
import { checkMappings } from './check-mappings.js';
import { checkSchemas } from './check-schemas.js';
import { checkVersions } from './check-versions.js';
import type { ValidationInputs } from './inputs.js';
import { summarize, type ValidateContractsReport } from './report.js';

/**
 * Runs every check on inputs already read from disk. Pure: the same inputs and models give the same
 * report. Later checks use only what the earlier ones accepted (a schema that does not compile is
 * reported once, under "schemas", not again under every check that would trip over it).
 */
export function validateContracts(inputs: ValidationInputs, models: readonly ReadModelDefinition[]): ValidateContractsReport {
  const schemas = checkSchemas(inputs);
  const fixtures = checkFixtures(inputs, models, {
    ...(schemas.envelope ? { envelope: schemas.envelope } : {}),
    events: schemas.contracts,
    fileOf: schemas.fileOf,
  });
  const checks = [
    schemas.check,
    fixtures.check,
    checkVersions(schemas.contracts, schemas.fileOf),
    checkCoverage(schemas.contracts, models, { contractsDir: inputs.contractsDir, fileOf: schemas.fileOf, rejected: schemas.rejected }),
    checkMappings(inputs.mappings, models, fixtures.accepted, fixtures.validators),
  ];
  const summary = summarize(checks);
  return { ok: summary.failed === 0, contractsDir: inputs.contractsDir, fixturesDir: inputs.fixturesDir, checks, summary };
}
