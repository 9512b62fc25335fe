import { eq } from 'drizzle-orm';
import { customers, orders, type Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { isPlaceholderEmail } from '../email/outbox.js';
import { orderAccessUrl } from '../orders/access-link.js';

export interface OrderRecipient {
  orderId: string;
  publicId: string;
  currency: string;
  totalCents: number;
  /** A deliverable address, or null (none, or a placeholder: never emailed). */
  email: string | null;
  firstName: string | null;
  /** The signed order link for the order's current access-token version (F8). */
  orderUrl: string;
}

/**
 * Who the buyer-facing lifecycle emails of an order go to: the per-order snapshot first, then the live
 * customer row (B7). Read with the caller's transaction, so a link reflects a version bumped in it.
 */
export async function orderRecipient(
  deps: Pick<Deps, 'config' | 'clock'>,
  tx: Executor,
  orderId: string,
): Promise<OrderRecipient> {
  const [row] = await tx
    .select({ order: orders, customerEmail: customers.email, customerFirstName: customers.firstName })
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .where(eq(orders.id, orderId));
  if (!row) throw new Error(`order ${orderId} vanished inside its own transaction`);
  const { order } = row;
  const email = order.customerDetailsJson?.email ?? row.customerEmail ?? null;
  return {
    orderId: order.id,
    publicId: order.publicId,
    currency: order.currency,
    totalCents: order.totalCents,
    email: email && !isPlaceholderEmail(email) ? email : null,
    firstName: order.customerDetailsJson?.firstName ?? row.customerFirstName ?? null,
    orderUrl: orderAccessUrl(deps, order),
  };
}
