import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { orderHistoryModel } from '../../src/core/read-models/order-history/model.js';
import { uniqueName } from './services.js';

/** The order-history model with its own topic, index names and alias: isolated per test. */
export function isolatedOrderModel(over: Partial<ReadModelDefinition> = {}): ReadModelDefinition {
  const id = uniqueName('t');
  return {
    ...orderHistoryModel,
    topic: `order-events-${id}`,
    indexBase: `oh_${id}`,
    consumerGroup: `readmodel.test.${id}`,
    ...over,
  };
}
