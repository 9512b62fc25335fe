/** B1 recommendation scoring, as data: the SQL and the tests read the same numbers. */
export const RECOMMENDATION_WEIGHTS = {
  sharedCollection: 40,
  perSharedTag: 15,
  sameType: 10,
  inStock: 8,
  closePrice: 5,
} as const;

/** "Close price": same currency and |Δ| <= max(500 cents, floor(20 % of the source price)). */
export const priceTolerance = (sourcePriceCents: number) => Math.max(500, Math.floor(sourcePriceCents * 0.2));
