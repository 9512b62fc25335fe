import type { AlertKind } from '@popbox/db';

/**
 * Issue 13 sending cap. A restock of N units tells at most max(N × RESTOCK_FACTOR, RESTOCK_FLOOR)
 * subscribers (a few more than the units, since not everyone buys), and no event ever tells more than the
 * configured ALERTS_MAX_PER_EVENT. Drops and new boards use the configured cap alone.
 */
export const RESTOCK_FACTOR = 4;
export const RESTOCK_FLOOR = 20;
export const DEFAULT_ALERTS_MAX_PER_EVENT = 200;

export function alertCap(event: { kind: AlertKind; units: number | null }, maxPerEvent: number): number {
  if (event.kind !== 'back_in_stock') return maxPerEvent;
  const units = Math.max(event.units ?? 0, 0);
  return Math.min(maxPerEvent, Math.max(units * RESTOCK_FACTOR, RESTOCK_FLOOR));
}

/**
 * One-shot kinds: once told, the subscription is `notified` and leaves the queue, so the next restock
 * reaches the next subscribers in line. A series follow (new_board) stays for every future board.
 */
export const isOneShot = (kind: AlertKind) => kind !== 'new_board';

/** Addresses are compared lower-cased and trimmed (one subscription per address and target). */
export const normaliseAlertEmail = (email: string) => email.trim().toLowerCase();

/** The series tags a kuji board's line is followed by (tag_type, free text, compared case-insensitively). */
export const SERIES_TAG_TYPES = ['series', 'line'];
export const isSeriesTagType = (tagType: string) => SERIES_TAG_TYPES.includes(tagType.trim().toLowerCase());

/**
 * Whether a product may take `sale_starts` subscriptions: an active product whose drop is announced and has not
 * started yet (a hidden drop is not public, so nobody can subscribe to it).
 */
export function saleStartsAlertable(
  product: { status: string; salesStartAt?: Date | string | null; preSaleVisibility?: string },
  now: Date,
): boolean {
  if (product.status !== 'active' || product.preSaleVisibility !== 'announced' || !product.salesStartAt)
    return false;
  return new Date(product.salesStartAt).getTime() > now.getTime();
}
