import { eq } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { CHECKOUT_SUCCESS_ACCESS_WINDOW_MS } from '../shared/constants.js';
import { PaymentProviderError } from '../ports/payments.js';
import { orderPageUrl } from '../orders/access-link.js';
import { getOrderView, type OrderView } from '../orders/order-view.js';
import { isFinalisedOrderStatus } from '../orders/order.state.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CheckoutSuccess =
  | { pending: true; body: { pending: true; retryable: true; message: string } }
  | {
      pending: false;
      order: { publicId: string; accessTokenVersion: number };
      body: {
        pending: false;
        publicId: string;
        orderUrl: string;
        clientOrderUrl: string;
        needsAttention: boolean;
        order: OrderView;
      };
    };

/** The version every order starts with; staff reissuing (revoking) the link bumps it (F8). */
const FIRST_ACCESS_TOKEN_VERSION = 1;

/**
 * The session id is a bearer secret that ends up in browser history and logs: it grants the order only
 * shortly after payment, and never once staff revoked the order's link. Refused like an invalid guest token
 * (401 ORDER_ACCESS_DENIED, spec (e) "guest token/session missing or invalid"): the buyer uses the link
 * from the email instead. Nothing about the order is returned.
 */
function assertSessionStillGrants(
  order: { accessTokenVersion: number; paidAt: Date | null },
  now: Date,
): void {
  if (order.accessTokenVersion !== FIRST_ACCESS_TOKEN_VERSION) {
    throw new DomainError(
      'ORDER_ACCESS_DENIED',
      "This order's link was reissued; open the order from the latest link you received",
      { reason: 'revoked' },
    );
  }
  if (!order.paidAt || now.getTime() - order.paidAt.getTime() > CHECKOUT_SUCCESS_ACCESS_WINDOW_MS) {
    throw new DomainError(
      'ORDER_ACCESS_DENIED',
      'This payment confirmation has expired; open the order from the link in your email',
      { reason: 'expired' },
    );
  }
}

/**
 * B4: the storefront polls this after the provider's redirect. It never changes order state (security rule 1):
 * unpaid → 409, paid but the webhook has not finalised yet → pending (202), finalised → the masked order view
 * (the caller then grants the guest session cookie for it) — within CHECKOUT_SUCCESS_ACCESS_WINDOW_MS of the
 * payment and only while the order's link was never revoked (issue 11).
 */
export async function getCheckoutSuccess(
  deps: Pick<Deps, 'db' | 'storage' | 'payments' | 'config' | 'clock'>,
  sessionId: string,
): Promise<CheckoutSuccess> {
  let session;
  try {
    session = await deps.payments.retrieveCheckoutSession(sessionId);
  } catch (error) {
    if (error instanceof PaymentProviderError && error.kind === 'not_found') {
      throw new DomainError('NOT_FOUND', 'Checkout session not found');
    }
    throw new DomainError('UPSTREAM_FAILED', 'Payment provider unavailable', undefined, {
      cause: error,
      upstream: 'payments',
    });
  }
  if (session.paymentStatus !== 'paid') throw new DomainError('NOT_PAID', 'Checkout session is not paid yet');
  const orderId = session.metadata.orderId;
  if (!orderId) throw new DomainError('BAD_REQUEST', 'Checkout session carries no order');
  const [order] = UUID.test(orderId)
    ? await deps.db
        .select({
          id: orders.id,
          publicId: orders.publicId,
          status: orders.status,
          accessTokenVersion: orders.accessTokenVersion,
          paidAt: orders.paidAt,
        })
        .from(orders)
        .where(eq(orders.id, orderId))
    : [];
  if (!order) throw new DomainError('NOT_FOUND', 'Order not found');
  if (!isFinalisedOrderStatus(order.status)) {
    return {
      pending: true,
      body: { pending: true, retryable: true, message: 'Payment received; awaiting webhook finalisation' },
    };
  }
  assertSessionStillGrants(order, deps.clock.now());
  const url = orderPageUrl(deps, order.publicId);
  return {
    pending: false,
    order: { publicId: order.publicId, accessTokenVersion: order.accessTokenVersion },
    body: {
      pending: false,
      publicId: order.publicId,
      orderUrl: url,
      clientOrderUrl: url,
      needsAttention: order.status === 'paid_needs_attention',
      order: await getOrderView(deps, order.id, 'guest'),
    },
  };
}
