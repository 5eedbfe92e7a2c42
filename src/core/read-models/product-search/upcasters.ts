import type { Upcaster } from '../../contracts/contract-types.js';

/** PriceUpdated v1 carried a decimal price; v2 carries integer minor units. */
export const priceUpdatedV1ToV2: Upcaster = {
  eventType: 'PriceUpdated',
  fromVersion: 1,
  toVersion: 2,
  upcast: (data) => ({
    amountMinor: Math.round((data.price as number) * 100),
    currency: data.currency,
  }),
};

export const productUpcasters: readonly Upcaster[] = [priceUpdatedV1ToV2];
