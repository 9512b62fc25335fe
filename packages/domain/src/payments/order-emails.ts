import { asc, eq } from 'drizzle-orm';
import { orderItems, orders, type AddressSnapshot, type Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { enqueueEmail, isPlaceholderEmail } from '../email/outbox.js';
import type { OrderEmailData } from '../email/templates/order-email-data.js';
import { orderConfirmationEmail } from '../email/templates/order-confirmation.js';
import { shopNotificationEmail } from '../email/templates/shop-notification.js';
import { shopAlertEmail } from '../email/templates/shop-alert.js';
import { purchaseLimitEmail } from '../email/templates/purchase-limit.js';
import { orderAccessUrl } from '../orders/access-link.js';

export async function loadEmailData(tx: Executor, orderId: string) {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId));
  if (!order) throw new Error(`order ${orderId} vanished inside its own transaction`);
  const items = await tx
    .select({
      name: orderItems.productName,
      quantity: orderItems.quantity,
      lineTotalCents: orderItems.lineTotalCents,
    })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderItems.createdAt), asc(orderItems.id));
  const shipping = order.shippingAddressJson;
  const data: OrderEmailData = {
    orderId: order.id,
    publicId: order.publicId,
    status: order.status,
    currency: order.currency,
    totalCents: order.totalCents,
    paidAt: order.paidAt,
    placedAt: order.placedAt,
    customer: {
      email: order.customerDetailsJson?.email ?? null,
      fullName: order.customerDetailsJson?.fullName ?? null,
      firstName: order.customerDetailsJson?.firstName ?? null,
    },
    shippingAddress: 'line1' in shipping ? (shipping as AddressSnapshot) : null,
    items,
  };
  return { order, data };
}

/**
 * F7: the confirmation (to the buyer) and the shop notification, written to the outbox in the finalising
 * transaction. Dedupe keys make a second enqueue for the same order a no-op.
 */
export async function enqueuePaidOrderEmails(
  deps: Pick<Deps, 'config' | 'clock'>,
  tx: Executor,
  orderId: string,
): Promise<void> {
  const { order, data } = await loadEmailData(tx, orderId);
  if (data.customer.email && !isPlaceholderEmail(data.customer.email)) {
    const url = orderAccessUrl(deps, {
      publicId: order.publicId,
      accessTokenVersion: order.accessTokenVersion,
    });
    await enqueueEmail(tx, {
      kind: 'order_confirmation',
      to: data.customer.email,
      orderId,
      dedupeKey: `order_confirmation:${orderId}`,
      ...orderConfirmationEmail(data, url),
    });
  }
  await enqueueEmail(tx, {
    kind: 'shop_notification',
    to: deps.config.email.orderNotificationTo,
    orderId,
    dedupeKey: `shop_notification:${orderId}`,
    ...shopNotificationEmail(data),
  });
}

/** F5: the shop is told about a paid order that needs a person. */
export async function enqueueAttentionAlert(
  deps: Pick<Deps, 'config'>,
  tx: Executor,
  orderId: string,
  reason: string,
): Promise<void> {
  const { data } = await loadEmailData(tx, orderId);
  await enqueueEmail(tx, {
    kind: 'shop_alert',
    to: deps.config.email.orderNotificationTo,
    orderId,
    dedupeKey: `shop_alert:${orderId}`,
    ...shopAlertEmail(data, reason),
  });
}

/** Issue 13: the buyer of an over-cap paid order is told why it is refunded (once per order). */
export async function enqueuePurchaseLimitEmail(
  tx: Executor,
  orderId: string,
  limits: string[],
): Promise<void> {
  const { data } = await loadEmailData(tx, orderId);
  if (!data.customer.email || isPlaceholderEmail(data.customer.email)) return;
  await enqueueEmail(tx, {
    kind: 'purchase_limit',
    to: data.customer.email,
    orderId,
    dedupeKey: `purchase_limit:${orderId}`,
    ...purchaseLimitEmail(data, limits),
  });
}
