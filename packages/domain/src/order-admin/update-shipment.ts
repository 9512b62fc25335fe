import { eq } from 'drizzle-orm';
import { orders, shipments } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { enqueueEmail } from '../email/outbox.js';
import { shipmentEmail } from '../email/templates/shipment.js';
import { beginOrderAction } from './order-action.js';
import { getAdminOrderDetail } from './admin-order-detail.js';
import { orderRecipient } from './order-recipient.js';
import { mergeShipment, trackingChanged, type ShipmentFields, type ShipmentPatch } from './shipment.rules.js';

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;
const auditView = (s: ShipmentFields | null) =>
  s && { ...s, shippedAt: isoOrNull(s.shippedAt), deliveredAt: isoOrNull(s.deliveredAt) };

/**
 * B14 shipment upsert. Packed → shipped with the "shipped" email; on a shipped order a carrier or tracking
 * change sends "shipment updated"; date-only changes send nothing. Emails are written to the outbox in the
 * same transaction (F7) and never go to a missing or placeholder address.
 */
export async function updateShipment(
  deps: Pick<Deps, 'db' | 'clock' | 'storage' | 'config'>,
  actor: AdminActor,
  input: ShipmentPatch & { id: string },
) {
  return deps.db.transaction(async (tx) => {
    const order = await beginOrderAction(tx, input.id);
    if (order.status !== 'packed' && order.status !== 'shipped') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `Only packed or shipped orders have a shipment (this one is ${order.status})`,
        { status: order.status },
      );
    }
    const [existingRow] = await tx
      .select()
      .from(shipments)
      .where(eq(shipments.orderId, order.id))
      .for('update');
    const existing: ShipmentFields | null = existingRow
      ? {
          carrierName: existingRow.carrierName,
          trackingNumber: existingRow.trackingNumber,
          trackingUrl: existingRow.trackingUrl,
          shippedAt: existingRow.shippedAt,
          deliveredAt: existingRow.deliveredAt,
        }
      : null;
    const wasPacked = order.status === 'packed';
    const merged = mergeShipment(existing, input, { now: deps.clock.now(), orderIsPacked: wasPacked });
    await tx
      .insert(shipments)
      .values({ orderId: order.id, ...merged })
      .onConflictDoUpdate({ target: shipments.orderId, set: merged });

    let email: 'shipped' | 'shipment_updated' | null = null;
    if (wasPacked) {
      assertOrderTransition(order.status, 'shipped');
      await tx.update(orders).set({ status: 'shipped' }).where(eq(orders.id, order.id));
      email = 'shipped';
    } else if (trackingChanged(existing, merged)) {
      email = 'shipment_updated';
    }
    if (email) {
      const to = await orderRecipient(deps, tx, order.id);
      if (to.email) {
        await enqueueEmail(tx, {
          kind: email,
          to: to.email,
          orderId: order.id,
          // An order ships once; tracking updates may be sent any number of times.
          dedupeKey: email === 'shipped' ? `shipped:${order.id}` : null,
          ...shipmentEmail(email, { ...merged, publicId: to.publicId, firstName: to.firstName }, to.orderUrl),
        });
      }
    }
    await recordAudit(tx, actor, {
      action: 'order.shipment_update',
      entityType: 'order',
      entityId: order.id,
      before: { status: order.status, shipment: auditView(existing) },
      after: { status: wasPacked ? 'shipped' : order.status, shipment: auditView(merged) },
    });
    return getAdminOrderDetail(deps, order.id, tx);
  });
}
