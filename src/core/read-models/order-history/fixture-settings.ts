/** The generator settings behind the committed fixture set in fixtures/order-history/. */
export const ORDER_FIXTURE = { orders: 15, seed: 13, activeWindow: 4 } as const;
