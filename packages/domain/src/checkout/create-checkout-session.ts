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
import { dropStaleOrphanKey, type CheckoutKeyRecord } from './checkout-key.queries.js';
import { capsOf, claimCheckout } from './checkout-claim.queries.js';
import { shippingSettingsFrom } from '../content/shipping-settings.js';
import { placePendingOrder, type PlacedOrder } from './place-pending-order.js';
import { placeAtOnce } from './place-at-once.js';
import { openPaymentSession, type CheckoutSessionResult } from './open-payment-session.js';
import { resumeCheckout, sessionExpiryFor } from './resume-checkout.js';
import { guardCappedCheckout, type CheckoutClient } from '../caps/check-checkout-caps.js';
import { isCapped, type ProductCaps } from '../caps/caps.rules.js';

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
  // Issue 14: an ordinary cart is placed in one statement; anything else, or anything unusual, takes the full path.
  const atOnce = await placeAtOnce(deps, checkout, key, fingerprint);
  if (atOnce.kind === 'placed') return openSessionFor(deps, checkout, atOnce.placed);
  if (atOnce.kind === 'taken') {
    const answer = await answerExistingKey(deps, atOnce.key, fingerprint);
    if (answer) return answer;
  }
  let guarded = false;
  for (let attempt = 0; attempt < 4; attempt++) {
    const step = await placeWithKey(deps, checkout, key, fingerprint, guarded);
    if (step.kind === 'taken') {
      const answer = await answerExistingKey(deps, step.key, fingerprint);
      if (answer) return answer;
      continue; // an orphan of a dead request was dropped: the key is free
    }
    if (step.kind === 'vanished') continue;
    if (step.kind === 'guard') {
      // Only a request that will place an order is challenged and counted (a replay is not: its token is
      // spent), and the guard may call the challenge provider: outside any transaction, then place again.
      await guardCappedCheckout(deps, checkout, client, step.caps);
      guarded = true;
      continue;
    }
    return openSessionFor(deps, checkout, step.placed);
  }
  throw inFlight();
}

/** After the order committed: close what F16 expired on the way, then open the payment session. */
async function openSessionFor(
  deps: Deps,
  checkout: NormalisedCheckout,
  placed: PlacedOrder & { claimId: string },
): Promise<Outcome> {
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

type PlaceStep =
  | { kind: 'placed'; placed: PlacedOrder & { claimId: string } }
  | { kind: 'taken'; key: CheckoutKeyRecord }
  | { kind: 'vanished' }
  /** The cart has capped products and the request was not guarded yet: nothing was written. */
  | { kind: 'guard'; caps: ProductCaps[] };

/** Rolls the transaction back with what the caller needs to know (nothing of it may be kept). */
class Unplaced extends Error {
  constructor(readonly step: Exclude<PlaceStep, { kind: 'placed' }>) {
    super('checkout not placed');
  }
}

/**
 * The key, the order and the stock hold, all or nothing, in one transaction whose first statement claims the
 * key and share-locks the cart (`claimCheckout`). When the key is someone else's, or the cart needs the capped
 * products' guard first, the transaction is rolled back and the caller is told.
 */
async function placeWithKey(
  deps: Deps,
  checkout: NormalisedCheckout,
  key: string,
  fingerprint: string,
  guarded: boolean,
): Promise<PlaceStep> {
  // Chosen before the transaction, so the key names its order in the statement that claims it.
  const orderId = deps.random.uuid();
  try {
    const placed = await deps.db.transaction(async (tx) => {
      const claim = await claimCheckout(tx, {
        key,
        fingerprint,
        orderId,
        now: deps.clock.now(),
        productIds: checkout.lines.map((l) => l.productId),
      });
      if (claim.kind !== 'claimed') throw new Unplaced(claim);
      if (!guarded) {
        const caps = claim.products.filter(isCapped).map(capsOf);
        if (caps.length) throw new Unplaced({ kind: 'guard', caps });
      }
      // Default-inserted, in this transaction, when the shop has no shipping setting yet.
      const shipping = await shippingSettingsFrom({ db: tx }, claim.shipping);
      const order = await placePendingOrder(
        deps,
        tx,
        checkout,
        { orderId, idempotencyKey: key },
        shipping,
        claim.products,
      );
      return { ...order, claimId: claim.claimId };
    });
    return { kind: 'placed', placed };
  } catch (error) {
    if (error instanceof Unplaced) return error.step;
    throw error;
  }
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
