import { eq } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { IDEMPOTENCY_RETRY_AFTER_SECONDS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { closeSessionsInBackground } from '../payments/provider-errors.js';
import {
  checkoutFingerprint,
  normaliseCheckout,
  parseIdempotencyKey,
  type CheckoutRequest,
  type NormalisedCheckout,
} from './cart.rules.js';
import { claimCheckoutKey, dropStaleOrphanKey, type CheckoutKeyRecord } from './checkout-key.queries.js';
import { loadCheckoutContext } from './checkout-context.queries.js';
import { shippingSettingsFrom } from '../content/shipping-settings.js';
import { placePendingOrder, type PlacedOrder } from './place-pending-order.js';
import type { ShippingSettings } from '../content/shipping.rules.js';
import { openPaymentSession, type CheckoutSessionResult } from './open-payment-session.js';
import { resumeCheckout, sessionExpiryFor } from './resume-checkout.js';
import { guardCappedCheckout, type CheckoutClient } from '../caps/check-checkout-caps.js';

export type { CheckoutSessionResult } from './open-payment-session.js';

type Outcome = { result: CheckoutSessionResult; replayed: boolean };

/**
 * B3 with F2, F3, F6, F16: the Idempotency-Key, the pending order and its stock hold commit in one
 * transaction; then the payment session (network, outside any transaction), saved together with the key's
 * stored response. If the provider fails after the order was committed, the compensation releases the stock,
 * cancels the order, fails the payment and closes any session that was opened; the client gets 502.
 * A retry with the same key and request gets the first response — also after a crash, at once: a committed
 * key always names its order, so the retry finishes the checkout itself (resume-checkout.ts).
 */
export async function createCheckoutSession(
  deps: Deps,
  request: CheckoutRequest,
  idempotencyKeyHeader: string | string[] | undefined,
  /** Issue 13: the client's IP and challenge token, for the sybil guards of capped products. */
  client: CheckoutClient = {},
): Promise<Outcome> {
  const key = parseIdempotencyKey(idempotencyKeyHeader);
  const checkout = normaliseCheckout(request);
  const fingerprint = checkoutFingerprint(checkout);
  let guarded = false;
  const productIds = checkout.lines.map((l) => l.productId);
  for (let attempt = 0; attempt < 3; attempt++) {
    // Issue 14: the key's record, the caps and the shipping setting in one round trip.
    const context = await loadCheckoutContext(deps.db, key, productIds);
    if (context.key) {
      const answer = await answerExistingKey(deps, context.key, fingerprint);
      if (answer) return answer;
      continue; // an orphan of a dead request was dropped: the key is free
    }
    // Only a request that will place an order is challenged and counted (a replay is not: its token is spent).
    if (!guarded) await guardCappedCheckout(deps, checkout, client, context.caps);
    guarded = true;
    const shipping = await shippingSettingsFrom(deps, context.shipping);
    const placed = await placeWithKey(deps, checkout, key, fingerprint, shipping);
    if (!placed) continue; // a concurrent request committed the key first: answer from its record
    closeSessionsInBackground(
      deps,
      placed.expiredElsewhere.map((o) => o.stripeCheckoutSessionId),
    );
    const result = await openPaymentSession(
      deps,
      {
        orderId: placed.orderId,
        publicId: placed.publicId,
        shippingCents: placed.shippingCents,
        lines: placed.lines,
        email: checkout.email,
        name: checkout.name,
        sessionExpiresAt: sessionExpiryFor(placed.reservationExpiresAt),
      },
      placed.claimId,
      'first',
    );
    return { result, replayed: false };
  }
  throw inFlight();
}

/** The key, the order and the stock hold, all or nothing. Null when the key is already someone else's. */
async function placeWithKey(
  deps: Deps,
  checkout: NormalisedCheckout,
  key: string,
  fingerprint: string,
  shipping: ShippingSettings,
): Promise<(PlacedOrder & { claimId: string }) | null> {
  // Chosen before the transaction, so the key names its order in the statement that claims it.
  const orderId = deps.random.uuid();
  return deps.db.transaction(async (tx) => {
    // Waits while another open transaction inserts the same key, then sees its outcome.
    const claimId = await claimCheckoutKey(tx, { key, fingerprint, now: deps.clock.now(), orderId });
    if (!claimId) return null;
    const placed = await placePendingOrder(deps, tx, checkout, { orderId, idempotencyKey: key }, shipping);
    return { ...placed, claimId };
  });
}

/** F3: 422 for another request; the stored answer; or the unfinished checkout of a request that died. */
async function answerExistingKey(
  deps: Deps,
  row: CheckoutKeyRecord,
  fingerprint: string,
): Promise<Outcome | null> {
  if (row.fingerprint !== fingerprint) {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request',
    );
  }
  if (row.state === 'completed') return { result: await replay(deps, row), replayed: true };
  if (row.resourceId) return { result: await resumeCheckout(deps, row.id, row.resourceId), replayed: true };
  if (await dropStaleOrphanKey(deps.db, row.id)) return null;
  throw inFlight();
}

const inFlight = () =>
  new DomainError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress', {
    retryAfterSeconds: IDEMPOTENCY_RETRY_AFTER_SECONDS,
  });

/**
 * F3 replay: the first response again, as long as its checkout can still be paid. A checkout that failed,
 * expired or was paid cannot be reused (B3): the client starts over with a new key.
 */
async function replay(deps: Pick<Deps, 'db'>, row: CheckoutKeyRecord): Promise<CheckoutSessionResult> {
  const [order] = row.resourceId
    ? await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, row.resourceId))
    : [];
  if (row.responseStatus !== 201 || !order) {
    throw new DomainError(
      'CHECKOUT_NOT_REUSABLE',
      'This checkout failed; start again with a new Idempotency-Key',
    );
  }
  if (order.status !== 'pending_payment') {
    throw new DomainError('CHECKOUT_NOT_REUSABLE', `This checkout is already ${order.status}`, {
      status: order.status,
    });
  }
  return row.responseBody as CheckoutSessionResult;
}
