import { sql } from 'drizzle-orm';
import type { ProductType, Tx } from '@popbox/db';
import { DomainError } from '../shared/errors.js';
import { rows } from '../shared/sql.js';

/**
 * Issue 12 (8): a product's type decides how a paid order takes it (stock, or kuji draws). Changing it while
 * an order of it is open (pending payment), a reservation holds it, or a kuji draw of it waits for dealing
 * would settle that order under the other type (a kuji order dealing a now-standard product overwrote its
 * `on_hand`). Call with the product row locked (`lockProduct`, which checkout's FOR SHARE waits for), so no
 * new order or reservation appears meanwhile. 409 PRODUCT_TYPE_LOCKED naming what holds the product.
 */
export async function assertProductTypeChangeable(
  tx: Tx,
  productId: string,
  from: ProductType,
  to: ProductType,
): Promise<void> {
  if (from === to) return;
  const [held] = await rows<{ openOrders: number; activeReservations: number; pendingDraws: number }>(
    tx,
    sql`select
          (select count(distinct o.id)::int from order_items oi join orders o on o.id = oi.order_id
            where oi.product_id = ${productId} and o.status = 'pending_payment') as "openOrders",
          (select count(*)::int from inventory_reservations r
            where r.product_id = ${productId} and r.status = 'active') as "activeReservations",
          (select count(*)::int from tickets t
            where t.kuji_product_id = ${productId} and t.kuji_prize_id is null and t.voided_at is null)
            as "pendingDraws"`,
  );
  const { openOrders = 0, activeReservations = 0, pendingDraws = 0 } = held ?? {};
  if (!openOrders && !activeReservations && !pendingDraws) return;
  const what = [
    openOrders ? `${openOrders} open order${openOrders === 1 ? '' : 's'} awaiting payment` : null,
    activeReservations
      ? `${activeReservations} active reservation${activeReservations === 1 ? '' : 's'}`
      : null,
    pendingDraws ? `${pendingDraws} kuji draw${pendingDraws === 1 ? '' : 's'} waiting to be dealt` : null,
  ].filter(Boolean);
  throw new DomainError(
    'PRODUCT_TYPE_LOCKED',
    `The product type cannot change from ${from} to ${to} while it has ${what.join(', ')}: ` +
      'wait until they are paid, dealt or expired (or set the product inactive first to stop new checkouts)',
    { field: 'productType', from, to, openOrders, activeReservations, pendingDraws },
  );
}
