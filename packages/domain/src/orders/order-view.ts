import { asc, eq } from 'drizzle-orm';
import { customers, orderItems, orders, shipments } from '@popbox/db';
import type { AddressSnapshot, Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { primaryImagesFor } from '../catalog/primary-images.js';
import { ticketViews } from './ticket-views.js';
import { gather } from '../shared/gather.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export type OrderViewAudience = 'guest' | 'admin';

/**
 * The order detail view of B11, shared by the guest page, the success page and admin. For guests every
 * unrevealed ticket's prize is null (security rule 7); admins see everything, plus each ticket's deck epoch and
 * position (F12). A fixed number of queries, whatever the order's size.
 */
export async function getOrderView(
  deps: Pick<Deps, 'db' | 'storage'>,
  orderId: string,
  audience: OrderViewAudience,
  /** A transaction's handle, to read the view the transaction is about to commit. */
  db: Executor = deps.db,
) {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) throw notFound('Order');

  const [customerRows, shipmentRows, itemRows, ticketList] = await gather(db === deps.db, [
    () =>
      order.customerId
        ? db.select().from(customers).where(eq(customers.id, order.customerId))
        : Promise.resolve([]),
    () => db.select().from(shipments).where(eq(shipments.orderId, orderId)),
    () =>
      db
        .select()
        .from(orderItems)
        .where(eq(orderItems.orderId, orderId))
        .orderBy(asc(orderItems.createdAt), asc(orderItems.id)),
    () => ticketViews(db, deps, { orderId }, audience),
  ] as const);

  const images = await primaryImagesFor(
    db,
    itemRows.map((i) => i.productId),
  );
  const imageOf = (productId: string) => images.get(productId);

  const customerRow = customerRows[0];
  const snapshot = order.customerDetailsJson;
  // The per-order snapshot wins over the live customer row (B7).
  const customer = customerRow
    ? {
        id: customerRow.id,
        email: snapshot?.email ?? customerRow.email,
        firstName: snapshot?.firstName ?? customerRow.firstName,
        lastName: snapshot?.lastName ?? customerRow.lastName,
        phone: snapshot?.phone ?? customerRow.phone,
      }
    : null;
  const shipment = shipmentRows[0];

  return {
    id: order.id,
    publicId: order.publicId,
    status: order.status,
    includesLastOnePrize: order.includesLastOnePrize,
    currency: order.currency,
    subtotalCents: order.subtotalCents,
    taxCents: order.taxCents,
    shippingCents: order.shippingCents,
    totalCents: order.totalCents,
    placedAt: iso(order.placedAt),
    paidAt: iso(order.paidAt),
    cancelledAt: iso(order.cancelledAt),
    refundedAt: iso(order.refundedAt),
    shippingAddress: address(order.shippingAddressJson),
    billingAddress: address(order.billingAddressJson),
    customer,
    shipment: shipment
      ? {
          carrierName: shipment.carrierName,
          trackingNumber: shipment.trackingNumber,
          trackingUrl: shipment.trackingUrl,
          shippedAt: iso(shipment.shippedAt),
          deliveredAt: iso(shipment.deliveredAt),
        }
      : null,
    items: itemRows.map((item) => {
      const image = imageOf(item.productId);
      return {
        id: item.id,
        productId: item.productId,
        productName: item.productName,
        productType: item.productType,
        unitPriceCents: item.unitPriceCents,
        quantity: item.quantity,
        lineTotalCents: item.lineTotalCents,
        metadata: item.metadata,
        imageUrl: image ? deps.storage.publicUrl(image.storageKey) : null,
        imageAltText: image?.altText ?? null,
      };
    }),
    tickets: ticketList,
    ...(audience === 'admin'
      ? {
          attentionReason: order.attentionReason,
          accessTokenVersion: order.accessTokenVersion,
          createdAt: order.createdAt.toISOString(),
          updatedAt: order.updatedAt.toISOString(),
        }
      : {}),
  };
}

export type OrderView = Awaited<ReturnType<typeof getOrderView>>;

/** `{}` (not yet finalised) reads as null. */
function address(value: AddressSnapshot | Record<string, never> | null): AddressSnapshot | null {
  if (!value || Object.keys(value).length === 0) return null;
  return value as AddressSnapshot;
}
