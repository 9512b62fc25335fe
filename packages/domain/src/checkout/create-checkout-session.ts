import { and, eq } from 'drizzle-orm';
import { orders, payments } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { CURRENCY, STRIPE_SESSION_LIFETIME_MS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { PaymentProviderError, type CheckoutSession } from '../ports/payments.js';
import { slimSessionSnapshot } from '../payments/session.rules.js';
import { closeSessionsInBackground, providerFailure } from '../payments/provider-errors.js';
import {
  checkoutFingerprint,
  normaliseCheckout,
  parseIdempotencyKey,
  type CheckoutRequest,
  type NormalisedCheckout,
} from './cart.rules.js';
import {
  abandonIdempotencyKey,
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyClaim,
} from './idempotency.queries.js';
import { getShippingSettings } from '../content/shipping-settings.js';
import { placePendingOrder, type PlacedOrder } from './place-pending-order.js';
import { cancelFailedCheckout } from './cancel-failed-checkout.js';

export interface CheckoutSessionResult {
  checkoutUrl: string;
  sessionId: string;
  publicId: string;
  orderId: string;
}

const SCOPE = 'checkout';

/**
 * B3 with F2, F3, F6, F16: pending order + stock hold in one transaction, then the payment session (network,
 * outside any transaction), then the session saved together with the Idempotency-Key's stored response.
 * If the provider fails after the order was committed, the compensation releases the stock, cancels the
 * order, fails the payment and closes any session that was opened; the client gets 502.
 */
export async function createCheckoutSession(
  deps: Deps,
  request: CheckoutRequest,
  idempotencyKeyHeader: string | string[] | undefined,
): Promise<{ result: CheckoutSessionResult; replayed: boolean }> {
  const key = parseIdempotencyKey(idempotencyKeyHeader);
  const checkout = normaliseCheckout(request);
  const claim = await claimIdempotencyKey(deps.db, {
    scope: SCOPE,
    key,
    fingerprint: checkoutFingerprint(checkout),
    now: deps.clock.now(),
  });
  if (claim.kind === 'completed') return { result: await replay(deps, claim), replayed: true };

  let placed: PlacedOrder;
  try {
    const shipping = await getShippingSettings(deps);
    placed = await deps.db.transaction((tx) => placePendingOrder(deps, tx, checkout, key, shipping));
  } catch (error) {
    // Nothing was committed: the key is free again (a retry may succeed once stock is back).
    await abandonIdempotencyKey(deps.db, claim.id);
    throw error;
  }
  closeSessionsInBackground(
    deps,
    placed.expiredElsewhere.map((o) => o.stripeCheckoutSessionId),
  );
  return { result: await openPaymentSession(deps, placed, checkout, key, claim.id), replayed: false };
}

/** After commit: the provider session (network), then the session saved with the key's stored response. */
async function openPaymentSession(
  deps: Deps,
  placed: PlacedOrder,
  checkout: NormalisedCheckout,
  key: string,
  claimId: string,
): Promise<CheckoutSessionResult> {
  let session: CheckoutSession | undefined;
  try {
    session = await deps.payments.createCheckoutSession({
      orderId: placed.orderId,
      orderPublicId: placed.publicId,
      currency: CURRENCY,
      lineItems: placed.lines.map((l) => ({
        name: l.name,
        description: l.description,
        unitAmountCents: l.unitPriceCents,
        quantity: l.quantity,
      })),
      shippingCents: placed.shippingCents,
      customerEmail: checkout.email,
      customerName: checkout.name,
      successUrl: deps.config.checkout.successUrl,
      cancelUrl: deps.config.checkout.cancelUrl,
      // Stripe needs at least 30 minutes; the stock hold is 10 (spec "Stripe session expiry").
      expiresAt: new Date(deps.clock.now().getTime() + STRIPE_SESSION_LIFETIME_MS),
      idempotencyKey: `checkout-session:${key}`,
    });
    if (!session.url) throw new PaymentProviderError('The payment session has no hosted URL', 'unavailable');
    const result: CheckoutSessionResult = {
      checkoutUrl: session.url,
      sessionId: session.id,
      publicId: placed.publicId,
      orderId: placed.orderId,
    };
    await attachSession(deps, placed.orderId, session, claimId, result);
    return result;
  } catch (error) {
    deps.logger.error(
      { err: error, flow: 'checkout_session_create', orderId: placed.orderId, publicId: placed.publicId },
      'checkout session creation failed; compensating',
    );
    await cancelFailedCheckout(deps, placed.orderId);
    await completeIdempotencyKey(deps.db, claimId, {
      status: 502,
      body: null,
      resourceId: placed.orderId,
      now: deps.clock.now(),
    });
    if (session) closeSessionsInBackground(deps, [session.id]); // F6
    throw providerFailure(error);
  }
}

async function attachSession(
  deps: Pick<Deps, 'db' | 'clock'>,
  orderId: string,
  session: CheckoutSession,
  claimId: string,
  result: CheckoutSessionResult,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const updated = await tx
      .update(orders)
      .set({ stripeCheckoutSessionId: session.id })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'pending_payment')))
      .returning({ id: orders.id });
    if (!updated.length) throw new DomainError('CHECKOUT_NOT_REUSABLE', 'The order is no longer payable');
    await tx
      .update(payments)
      .set({
        providerCheckoutSessionId: session.id,
        providerPaymentIntentId: session.paymentIntentId,
        rawResponse: slimSessionSnapshot(session),
      })
      .where(eq(payments.orderId, orderId));
    await completeIdempotencyKey(tx, claimId, {
      status: 201,
      body: result,
      resourceId: orderId,
      now: deps.clock.now(),
    });
  });
}

/**
 * F3 replay: the first response again, as long as its checkout can still be paid. A checkout that failed,
 * expired or was paid cannot be reused (B3): the client starts over with a new key.
 */
async function replay(
  deps: Pick<Deps, 'db'>,
  claim: Extract<IdempotencyClaim, { kind: 'completed' }>,
): Promise<CheckoutSessionResult> {
  const [order] = claim.resourceId
    ? await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, claim.resourceId))
    : [];
  if (claim.status !== 201 || !order) {
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
  return claim.body as CheckoutSessionResult;
}
