/** Kuji prize rules (spec "kuji_prizes"). Pure. */
export const LAST_ONE_TIER = 'LO';

/** Codes and tiers are stored trimmed and upper-cased. */
export const normalisePrizeLabel = (value: string) => value.trim().toUpperCase();

/** A Last One prize is outside the draw pool, inventory and ticket counts. */
export const isLastOnePrize = (prize: { prizeTier: string }) =>
  normalisePrizeLabel(prize.prizeTier) === LAST_ONE_TIER;

/** `remaining_quantity <= initial_quantity`, remaining defaulting to initial. */
export const remainingWithinInitial = (p: { initialQuantity: number; remainingQuantity: number }) =>
  p.remainingQuantity <= p.initialQuantity;
