import path from 'node:path';
import { loadModelAssets } from '../../src/app/model-assets.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { ROOT } from './contracts.js';

export function assetsFor(model: ReadModelDefinition) {
  return loadModelAssets(model, { contractsDir: path.join(ROOT, 'contracts'), packageRoot: ROOT });
}
