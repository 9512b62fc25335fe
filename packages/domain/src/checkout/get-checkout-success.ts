import { eq } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
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

/**
 * B4: the storefront polls this after the provider's redirect. It never changes order state (security rule 1):
 * unpaid → 409, paid but the webhook has not finalised yet → pending (202), finalised → the masked order view
 * (the caller then grants the guest session cookie for it).
 */
export async function getCheckoutSuccess(
  deps: Pick<Deps, 'db' | 'storage' | 'payments' | 'config'>,
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
