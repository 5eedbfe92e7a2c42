import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEventValidator, type EventValidator } from '../core/contracts/event-validator.js';
import type { ContractSet } from '../core/contracts/contract-types.js';
import { loadContracts } from './load-contracts.js';
import { ConfigError } from '../core/errors.js';
import type { IndexBody } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { buildHash, mappingVersionOf, versionedIndexName } from '../core/rebuild/build-hash.js';

/** What a command needs to project one model: its validator, mapping and the build's index name. */
export interface ModelAssets {
  model: ReadModelDefinition;
  contracts: ContractSet;
  validator: EventValidator;
  mapping: IndexBody;
  mappingVersion: number;
  buildHash: string;
  indexName: string;
}

export async function loadModelAssets(
  model: ReadModelDefinition,
  opts: { contractsDir: string; packageRoot: string },
): Promise<ModelAssets> {
  const contracts = await loadContracts(opts.contractsDir);
  const mappingPath = path.resolve(opts.packageRoot, model.mappingFile);
  let mapping: IndexBody;
  try {
    mapping = JSON.parse(await readFile(mappingPath, 'utf8')) as IndexBody;
  } catch (cause) {
    throw new ConfigError(`cannot read the mapping of ${model.name}: ${(cause as Error).message}`, {
      context: { path: mappingPath },
    });
  }
  const handled = contracts.events.filter((c) => model.projection.handles.includes(c.eventType));
  const mappingVersion = mappingVersionOf(model.mappingFile);
  const hash = buildHash({
    mapping,
    projectionName: model.projection.name,
    projectionVersion: model.projection.version,
    contracts: handled,
  });
  return {
    model,
    contracts,
    validator: createEventValidator(contracts, model.upcasters),
    mapping,
    mappingVersion,
    buildHash: hash,
    indexName: versionedIndexName(model.indexBase, mappingVersion, hash),
  };
}
