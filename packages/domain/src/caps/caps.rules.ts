import type { CappedCheckoutRateLimits } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';

/** A product's purchase caps (issue 13). Null = no cap. Kuji boards: tickets. */
export interface ProductCaps {
  productId: string;
  name: string;
  maxPerOrder: number | null;
  maxPerBuyer: number | null;
  /** The sale window's start (issue 13 scheduled releases): `maxPerBuyer` counts from it. */
  salesStartAt?: Date | string | null;
}

/** How a buyer was recognised when a per-buyer cap was counted. */
export type BuyerKeyKind = 'email' | 'card' | 'address';

export const isCapped = (p: Pick<ProductCaps, 'maxPerOrder' | 'maxPerBuyer'>) =>
  p.maxPerOrder != null || p.maxPerBuyer != null;

/**
 * Where `maxPerBuyer` starts counting: the product's sale window start when it has one (a drop's cap is per
 * drop), all time (null) otherwise.
 */
export function capWindowStart(product: { salesStartAt?: Date | string | null }): Date | null {
  return product.salesStartAt ? new Date(product.salesStartAt) : null;
}

/** Orders whose units a buyer keeps: they count toward `maxPerBuyer` (parked, refunded, cancelled do not). */
export const COUNTED_ORDER_STATUSES = ['paid', 'packed', 'shipped'] as const;

export interface CapViolation {
  productId: string;
  productName: string;
  limit: 'max_per_order' | 'max_per_buyer';
  cap: number;
  requested: number;
  /** Units already bought (or held by open checkouts) by the same buyer; 0 for a per-order cap. */
  alreadyCounted: number;
  /** How many more this buyer may still buy in this order (≥ 0). */
  remainingAllowed: number;
  matchedBy: BuyerKeyKind | null;
}

/** Per-order cap: the cart's merged quantity of one product. Pure. */
export function orderCapViolation(p: ProductCaps, quantity: number): CapViolation | null {
  if (p.maxPerOrder == null || quantity <= p.maxPerOrder) return null;
  return {
    productId: p.productId,
    productName: p.name,
    limit: 'max_per_order',
    cap: p.maxPerOrder,
    requested: quantity,
    alreadyCounted: 0,
    remainingAllowed: p.maxPerOrder,
    matchedBy: null,
  };
}

/** Per-buyer cap: what the same buyer already has plus this order. Pure. */
export function buyerCapViolation(
  p: ProductCaps,
  quantity: number,
  alreadyCounted: number,
  matchedBy: BuyerKeyKind,
): CapViolation | null {
  if (p.maxPerBuyer == null || alreadyCounted + quantity <= p.maxPerBuyer) return null;
  return {
    productId: p.productId,
    productName: p.name,
    limit: 'max_per_buyer',
    cap: p.maxPerBuyer,
    requested: quantity,
    alreadyCounted,
    remainingAllowed: Math.max(0, p.maxPerBuyer - alreadyCounted),
    matchedBy,
  };
}

/** 409 PURCHASE_LIMIT naming the product, the cap and how many are still allowed. */
export function purchaseLimitError(v: CapViolation): DomainError {
  const message =
    v.limit === 'max_per_order'
      ? `${v.productName} is limited to ${v.cap} per order`
      : `${v.productName} is limited to ${v.cap} per customer; you can add ${v.remainingAllowed} more`;
  return new DomainError('PURCHASE_LIMIT', message, {
    productId: v.productId,
    productName: v.productName,
    limit: v.limit,
    cap: v.cap,
    requested: v.requested,
    alreadyPurchased: v.alreadyCounted,
    remainingAllowed: v.remainingAllowed,
  });
}

/** The `purchase_limit` attention detail stored on a parked order. Pure. */
export function describeViolation(v: CapViolation): string {
  if (v.limit === 'max_per_order') return `${v.requested} × ${v.productName} exceeds ${v.cap} per order`;
  return `${v.productName}: ${v.alreadyCounted} already bought by the same ${v.matchedBy ?? 'buyer'} + ${v.requested} exceeds ${v.cap} per buyer`;
}

/** Default per-IP / per-email limits on checkouts of capped products (on top of the general checkout limit). */
export const DEFAULT_CAPPED_CHECKOUT_RATE_LIMITS: CappedCheckoutRateLimits = {
  perIp: { limit: 20, windowMs: 10 * 60_000 },
  perEmail: { limit: 10, windowMs: 10 * 60_000 },
};
