import { createHash } from 'node:crypto';
import { CART_MAX_LINES } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';

export interface CartLineInput {
  productId: string;
  quantity: number;
}

export interface CheckoutRequest {
  items: CartLineInput[];
  /** F2: optional prefill for the payment page; never creates a customer. */
  email?: string | null | undefined;
  name?: string | null | undefined;
  /** Issue 13: the challenge token (not part of the cart; never hashed into the fingerprint). */
  challengeToken?: string | null | undefined;
}

export interface NormalisedCheckout {
  lines: CartLineInput[];
  email: string | null;
  name: string | null;
}

/**
 * B3 step 4: merge lines of the same product (the merged quantity may exceed 20) and sort by product id,
 * which is also the lock order. Email is trimmed and lower-cased, name trimmed; blanks become null.
 */
export function normaliseCheckout(request: CheckoutRequest): NormalisedCheckout {
  const merged = new Map<string, number>();
  for (const line of request.items) {
    const id = line.productId.toLowerCase();
    merged.set(id, (merged.get(id) ?? 0) + line.quantity);
  }
  if (merged.size > CART_MAX_LINES) {
    throw new DomainError('VALIDATION_FAILED', `At most ${CART_MAX_LINES} distinct products per checkout`, {
      fields: { items: [`At most ${CART_MAX_LINES} distinct products`] },
    });
  }
  const lines = [...merged]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
  return {
    lines,
    email: request.email?.trim().toLowerCase() || null,
    name: request.name?.trim() || null,
  };
}

/** F3: the request an Idempotency-Key is bound to — the normalised cart and prefill, hashed. */
export function checkoutFingerprint(checkout: NormalisedCheckout): string {
  const canonical = JSON.stringify({
    lines: checkout.lines.map((l) => [l.productId, l.quantity]),
    email: checkout.email,
    name: checkout.name,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** B3 step 3: required, trimmed, non-empty, at most 255 characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED', 'The Idempotency-Key header is required');
  if (value.length > 255) {
    throw new DomainError('IDEMPOTENCY_KEY_REQUIRED', 'The Idempotency-Key header is at most 255 characters');
  }
  return value;
}
