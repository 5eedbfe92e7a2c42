import { UsageError } from '../errors.js';
import type { ReadModelDefinition } from '../read-model.js';
import { productSearchModel } from './product-search/model.js';
import { orderHistoryModel } from './order-history/model.js';
import { availabilityModel } from './availability/model.js';

/**
 * Every read model readmodel ships, and the one place a command finds one by name. Adding a read model
 * adds one line here (see docs/adding-a-read-model.md); the engine itself never names a model.
 */
export const builtInModels: readonly ReadModelDefinition[] = [productSearchModel, orderHistoryModel, availabilityModel];

export function findModel(name: string, models: readonly ReadModelDefinition[] = builtInModels): ReadModelDefinition {
  const m = models.find((x) => x.name === name);
  if (!m) {
    throw new UsageError(`unknown read model "${name}"`, {
      code: 'UNKNOWN_MODEL',
      context: { known: models.map((x) => x.name) },
      suggestion: `use one of: ${models.map((x) => x.name).join(', ')}`,
    });
  }
  return m;
}
