/** The generator settings behind the committed fixture set in fixtures/product-search/. */
export const PRODUCT_FIXTURE = { products: 12, seed: 42, activeWindow: 4 } as const;
