import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { rows } from '../shared/sql.js';
import type { OrderLineForRefund } from './refundable.rules.js';

/**
 * The order's lines as the refund rules need them: amount, and for kuji lines their tickets (total, pending,
 * voided) and whether the line reached the board's draw log. Board order of the order's lines.
 */
export async function orderLinesForRefund(tx: Executor, orderId: string): Promise<OrderLineForRefund[]> {
  const found = await rows<{
    orderItemId: string;
    name: string;
    productType: 'standard' | 'kuji';
    quantity: number;
    amountCents: number;
    total: number;
    pending: number;
    voided: number;
    logged: boolean;
  }>(
    tx,
    sql`select oi.id as "orderItemId", oi.product_name as "name", oi.product_type as "productType",
          oi.quantity, oi.line_total_cents as "amountCents",
          coalesce(t.total, 0)::int as "total", coalesce(t.pending, 0)::int as "pending",
          coalesce(t.voided, 0)::int as "voided",
          exists (select 1 from kuji_draw_log d where d.order_item_id = oi.id and d.kind = 'draw') as "logged"
        from order_items oi
        left join lateral (
          select count(*) as total,
                 count(*) filter (where tk.kuji_prize_id is null and tk.voided_at is null) as pending,
                 count(*) filter (where tk.voided_at is not null) as voided
          from tickets tk where tk.order_item_id = oi.id
        ) t on true
        where oi.order_id = ${orderId}
        order by oi.created_at, oi.id`,
  );
  return found.map((l) => ({
    orderItemId: l.orderItemId,
    name: l.name,
    productType: l.productType,
    quantity: l.quantity,
    amountCents: l.amountCents,
    tickets: { total: l.total, pending: l.pending, voided: l.voided },
    logged: l.logged,
  }));
}
