import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEventValidator, type EventValidator } from '../core/contracts/event-validator.js';
import type { ContractSet } from '../core/contracts/contract-types.js';
import { loadContracts } from './load-contracts.js';
import { ConfigError } from '../core/errors.js';
import type { IndexBody } from '../core/ports/search-sink.js';
import type { ReadModelDefinition } from '../core/read-model.js';
import { buildHash, mappingVersionOf, versionedIndexName } from '../core/rebuild/build-hash.js';
import { chooseMapping, type MappingCandidate } from '../core/engines/choose-mapping.js';
import { engineLabel, type EngineTarget } from '../core/engines/engine-capabilities.js';

/** What a command needs to project one model: its validator, mapping and the build's index name. */
export interface ModelAssets {
  model: ReadModelDefinition;
  contracts: ContractSet;
  validator: EventValidator;
  mapping: IndexBody;
  /** The file `mapping` came from: the model's base mapping or the variant chosen for the engine. */
  mappingFile: string;
  mappingVersion: number;
  buildHash: string;
  indexName: string;
}

/**
 * `engine` (the engine and major the sink detected) picks the model's mapping variant; without it the
 * base mapping is used, which works on every supported engine.
 */
export async function loadModelAssets(
  model: ReadModelDefinition,
  opts: { contractsDir: string; packageRoot: string; engine?: EngineTarget },
): Promise<ModelAssets> {
  const contracts = await loadContracts(opts.contractsDir);
  const base = await readMapping(model, model.mappingFile, opts.packageRoot);
  let chosen: MappingCandidate = base;
  if (opts.engine && model.mappingVariants?.length) {
    const variants = await Promise.all(model.mappingVariants.map((f) => readMapping(model, f, opts.packageRoot)));
    const choice = chooseMapping([...variants, base], opts.engine);
    if (!choice.ok) {
      throw new ConfigError(`no mapping of ${model.name} works on ${engineLabel(opts.engine)}: ${choice.why}`, {
        code: 'MAPPING_UNSUPPORTED',
        context: {
          model: model.name,
          engine: engineLabel(opts.engine),
          problems: choice.problems.flatMap((p) => p.problems.slice(0, 3).map((x) => `${p.file}${x.pointer}: ${x.message}`)),
        },
        suggestion: 'run readmodel validate-contracts: it checks every mapping against every supported engine',
      });
    }
    chosen = choice.chosen;
  }
  const mapping = chosen.body as IndexBody;
  const handled = contracts.events.filter((c) => model.projection.handles.includes(c.eventType));
  // The base file names the version: a variant is the same mapping version with richer analysis.
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
    mappingFile: chosen.file,
    mappingVersion,
    buildHash: hash,
    indexName: versionedIndexName(model.indexBase, mappingVersion, hash),
  };
}

async function readMapping(model: ReadModelDefinition, file: string, packageRoot: string): Promise<MappingCandidate> {
  const mappingPath = path.resolve(packageRoot, file);
  try {
    return { file, body: JSON.parse(await readFile(mappingPath, 'utf8')) as IndexBody };
  } catch (cause) {
    throw new ConfigError(`cannot read the mapping of ${model.name}: ${(cause as Error).message}`, {
      context: { path: mappingPath },
    });
  }
}
