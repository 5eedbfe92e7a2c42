import { UsageError } from '../errors.js';
import type { ReadModelDefinition } from '../read-model.js';
import { productSearchModel } from './product-search/product-search-model.js';
import { orderHistoryModel } from './order-history/order-history-model.js';

export const builtInModels: readonly ReadModelDefinition[] = [productSearchModel, orderHistoryModel];

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
