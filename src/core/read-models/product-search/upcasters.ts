import type { Upcaster } from '../../contracts/contract-types.js';
import type { PriceUpdated, PriceUpdatedV1 } from './events.js';

/** PriceUpdated v1 carried a decimal price; v2 carries integer minor units. */
export const priceUpdatedV1ToV2: Upcaster = {
  eventType: 'PriceUpdated',
  fromVersion: 1,
  toVersion: 2,
  upcast: (data) => {
    // The validator has checked `data` against price_updated.v1.json before any upcaster runs.
    const v1 = data as unknown as PriceUpdatedV1;
    const v2: PriceUpdated = { amountMinor: Math.round(v1.price * 100), currency: v1.currency };
    return { ...v2 };
  },
};

export const productUpcasters: readonly Upcaster[] = [priceUpdatedV1ToV2];
