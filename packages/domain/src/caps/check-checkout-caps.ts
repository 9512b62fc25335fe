import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { hitRateLimit } from '../ops/rate-limit-hits.queries.js';
import type { NormalisedCheckout } from '../checkout/cart.rules.js';
import { emailKey } from './buyer-keys.rules.js';
import {
  buyerCapViolation,
  capWindowStart,
  DEFAULT_CAPPED_CHECKOUT_RATE_LIMITS,
  isCapped,
  orderCapViolation,
  purchaseLimitError,
  type ProductCaps,
} from './caps.rules.js';
import { capLockName, countBuyerUnits, loadProductCaps, takeCapLocks } from './caps.queries.js';

/** Who is checking out, as the HTTP layer saw it (never trusted for money; only for the sybil guards). */
export interface CheckoutClient {
  ip?: string | undefined;
  /** The client key the per-IP limit counts by (the HTTP layer's: IPv6 grouped by /56); default `ip`. */
  ipKey?: string | undefined;
  /** Issue 13: the Turnstile token of the checkout page (capped products, when Turnstile is configured). */
  challengeToken?: string | null | undefined;
}

/**
 * Issue 13, before the checkout transaction, only when the cart holds a capped product: the email the cap
 * counts by is required (400 naming `email`), the per-order caps are checked (409 PURCHASE_LIMIT, cheap and
 * early), the challenge token is verified (400 CHALLENGE_REQUIRED / 403 CHALLENGE_FAILED), and the per-IP and
 * per-email limits on capped checkouts are counted (429). The authoritative per-buyer check runs inside the
 * transaction (`assertBuyerCaps`).
 */
export async function guardCappedCheckout(
  deps: Pick<Deps, 'db' | 'challenge' | 'config' | 'logger'>,
  checkout: NormalisedCheckout,
  client: CheckoutClient,
  /** The cart's caps when the caller already read them (checkout does, with its key); else read here. */
  loaded?: ProductCaps[],
): Promise<void> {
  const caps = (
    loaded ??
    (await loadProductCaps(
      deps.db,
      checkout.lines.map((l) => l.productId),
    ))
  ).filter(isCapped);
  if (!caps.length) return;
  const key = emailKey(checkout.email);
  if (!key) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${caps[0]!.name} has a purchase limit: an email is required to check out`,
      { fields: { email: ['Required for products with a purchase limit'] } },
    );
  }
  const quantities = new Map(checkout.lines.map((l) => [l.productId, l.quantity]));
  for (const p of caps) {
    const violation = orderCapViolation(p, quantities.get(p.productId) ?? 0);
    if (violation) throw purchaseLimitError(violation);
  }
  const verdict = await deps.challenge.verify(client.challengeToken, client.ip);
  if (!verdict.ok) {
    if (verdict.reason === 'missing') {
      throw new DomainError('CHALLENGE_REQUIRED', 'This product needs a challenge token to check out', {
        fields: { challengeToken: ['Required for products with a purchase limit'] },
      });
    }
    throw new DomainError('CHALLENGE_FAILED', 'The challenge token was refused; solve the challenge again', {
      reason: verdict.reason ?? 'invalid',
    });
  }
  await countCappedCheckout(deps, key, client.ipKey ?? client.ip);
}

async function countCappedCheckout(
  deps: Pick<Deps, 'db' | 'config'>,
  key: string,
  ip: string | undefined,
): Promise<void> {
  const settings = deps.config.purchaseCaps?.rateLimits ?? DEFAULT_CAPPED_CHECKOUT_RATE_LIMITS;
  if (settings === false) return;
  const checks: [string, { limit: number; windowMs: number }][] = [];
  if (ip) checks.push([`capped-checkout:ip:${ip}`, settings.perIp]);
  checks.push([`capped-checkout:email:${key}`, settings.perEmail]);
  for (const [name, limit] of checks) {
    const window = await hitRateLimit(deps.db, name.slice(0, 300), limit.windowMs);
    if (window.hits > limit.limit) {
      throw new DomainError(
        'RATE_LIMITED',
        'Too many checkouts of limited products; please try again later',
        {
          retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt.getTime() - Date.now()) / 1000)),
        },
      );
    }
  }
}

/**
 * Issue 13, inside the checkout transaction, before the order is written and before any stock row is
 * touched: for every product with `maxPerBuyer`, under the (product, email) advisory lock, the units the
 * same normalised email already bought (paid, packed, shipped) or holds (open checkouts) plus this cart
 * must fit the cap; per-order caps are re-checked against the share-locked rows. 409 PURCHASE_LIMIT.
 * The lock is held to commit, so a racing checkout of the same email counts this order's hold.
 */
export async function assertBuyerCaps(
  tx: Tx,
  now: Date,
  caps: ProductCaps[],
  checkout: NormalisedCheckout,
): Promise<void> {
  const capped = caps.filter(isCapped);
  if (!capped.length) return;
  const key = emailKey(checkout.email);
  const quantities = new Map(checkout.lines.map((l) => [l.productId, l.quantity]));
  for (const p of capped) {
    const violation = orderCapViolation(p, quantities.get(p.productId) ?? 0);
    if (violation) throw purchaseLimitError(violation);
  }
  const perBuyer = capped.filter((p) => p.maxPerBuyer != null);
  if (!perBuyer.length) return;
  if (!key) {
    throw new DomainError('VALIDATION_FAILED', 'An email is required for products with a purchase limit', {
      fields: { email: ['Required for products with a purchase limit'] },
    });
  }
  await takeCapLocks(
    tx,
    perBuyer.map((p) => capLockName(p.productId, 'email', key)),
  );
  for (const p of perBuyer) {
    const already = await countBuyerUnits(tx, {
      productId: p.productId,
      kind: 'email',
      key,
      since: capWindowStart(p),
      includeHeld: { now },
    });
    const violation = buyerCapViolation(p, quantities.get(p.productId) ?? 0, already, 'email');
    if (violation) throw purchaseLimitError(violation);
  }
}
