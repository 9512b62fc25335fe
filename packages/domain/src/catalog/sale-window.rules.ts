import { DomainError } from '../shared/errors.js';

export type PreSaleVisibility = 'announced' | 'hidden';
export type Availability = 'coming_soon' | 'on_sale' | 'ended';

/** A product's sale window (issue 13): both ends optional; start inclusive, end exclusive. */
export interface SaleWindow {
  salesStartAt: Date | null;
  salesEndAt: Date | null;
  preSaleVisibility: PreSaleVisibility;
}

const time = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());

/** Where `now` falls in the window: before the start, inside it, or at/after the end. */
export function saleAvailability(
  window: { salesStartAt: Date | string | null; salesEndAt: Date | string | null },
  now: Date,
): Availability {
  const start = time(window.salesStartAt);
  const end = time(window.salesEndAt);
  if (start !== null && now.getTime() < start) return 'coming_soon';
  if (end !== null && now.getTime() >= end) return 'ended';
  return 'on_sale';
}

/**
 * The rule the SQL predicate `publiclyVisibleAt` states (keep them in step): an active product is public
 * unless it is hidden and its start is still ahead.
 */
export function isPubliclyVisible(
  p: {
    status: string;
    preSaleVisibility: PreSaleVisibility;
    salesStartAt: Date | string | null;
    salesEndAt: Date | string | null;
  },
  now: Date,
): boolean {
  if (p.status !== 'active') return false;
  return p.preSaleVisibility === 'announced' || saleAvailability(p, now) !== 'coming_soon';
}

/** Admin writes: the end must come strictly after the start (validation names `salesEndAt`). */
export function assertSaleWindow(window: { salesStartAt: Date | null; salesEndAt: Date | null }): void {
  if (window.salesStartAt && window.salesEndAt && window.salesEndAt <= window.salesStartAt) {
    throw new DomainError('VALIDATION_FAILED', 'salesEndAt must be after salesStartAt', {
      fields: { salesEndAt: ['Must be after salesStartAt'] },
    });
  }
}

/**
 * Checkout (issue 13): a product outside its window cannot be bought. Hidden before the start answers as if
 * the product did not exist (NOT_FOUND, like every public read), so a scraped id reveals neither the drop
 * nor its start; announced answers 409 NOT_ON_SALE_YET with the start; after the end 409 SALE_ENDED.
 */
export function assertOnSale(p: SaleWindow & { id: string; name: string }, now: Date): void {
  const availability = saleAvailability(p, now);
  if (availability === 'coming_soon') {
    if (p.preSaleVisibility === 'hidden') {
      throw new DomainError('NOT_FOUND', `Product ${p.id} not found`, { productId: p.id });
    }
    throw new DomainError('NOT_ON_SALE_YET', `${p.name} is not on sale yet`, {
      productId: p.id,
      salesStartAt: p.salesStartAt!.toISOString(),
    });
  }
  if (availability === 'ended') {
    throw new DomainError('SALE_ENDED', `The sale of ${p.name} has ended`, {
      productId: p.id,
      salesEndAt: p.salesEndAt!.toISOString(),
    });
  }
}
