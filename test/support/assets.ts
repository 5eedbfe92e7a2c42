import path from 'node:path';
import { loadModelAssets } from '../../src/app/model-assets.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import type { EngineTarget } from '../../src/core/engines/engine-capabilities.js';
import { ROOT } from './contracts.js';

/** `engine` picks the model's mapping variant as a CLI build against that engine would; without it, the base mapping. */
export function assetsFor(model: ReadModelDefinition, engine?: EngineTarget) {
  return loadModelAssets(model, { contractsDir: path.join(ROOT, 'contracts'), packageRoot: ROOT, ...(engine ? { engine } : {}) });
}
