import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient } from './support/admin.js';
import { checkout, eventually, makeCappedProduct, payAs, query } from './support/caps.js';

/**
 * Issue 13's drop storm: 200 buyers behind 50 distinct emails race for 60 units of a standard product capped
 * at 2 per buyer, through checkout and the local payment simulator, with automatic refunds of over-cap
 * orders on. Checkout caps are exercised by one email's buyers racing with different carts; finalisation
 * caps by buyers who check out under a decoy email but pay as themselves, and by ten emails paying with
 * ONE card.
 */
const BUYERS = 200;
const EMAILS = 50;
const UNITS = 60;
const CAP = 2;
const SHARED_CARD = '4000056655665556';
const SHARED_CARD_EMAILS = 10; // emails 0..9 all pay with SHARED_CARD

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ pool: { max: 30, connectionTimeoutMillis: 20_000 } });
  const admin = await adminClient(app);
  expect((await admin.call('PUT', '/admin/settings/purchase-limits', { autoRefund: true })).status).toBe(200);
});
afterAll(() => app?.close());

interface Buyer {
  index: number;
  email: string;
  checkoutEmail: string;
  card: string;
  street: string;
  quantity: number;
}

function buyers(): Buyer[] {
  return Array.from({ length: BUYERS }, (_, index) => {
    const e = index % EMAILS;
    const email = `fan${e}@example.com`;
    return {
      index,
      email,
      // Every tenth buyer checks out under a throwaway email, then pays as themselves.
      checkoutEmail: index % 10 === 7 ? `decoy${index}@example.com` : email,
      card: e < SHARED_CARD_EMAILS ? SHARED_CARD : `4111${String(1_000_000_000 + e).padStart(12, '0')}`,
      street: `${e + 1} Fan Street`,
      quantity: index % 3 === 0 ? 2 : 1,
    };
  });
}

describe('drop storm with purchase caps', () => {
  it('200 buyers, 50 emails, cap 2, 60 units: nobody ends with more than 2, nothing oversold, over-cap orders refunded once', async () => {
    const product = await makeCappedProduct(app, { maxPerBuyer: CAP }, UNITS);
    const all = buyers();

    // 1. Everyone checks out at once.
    const placed = await Promise.all(
      all.map(async (b) => ({
        buyer: b,
        res: await checkout(app, {
          items: [{ productId: product.id, quantity: b.quantity }],
          email: b.checkoutEmail,
        }),
      })),
    );
    const statuses = placed.map((p) => p.res.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([201, 409]));
    const codes = placed.filter((p) => p.res.status === 409).map((p) => p.res.body.error.code as string);
    expect(new Set(codes)).toEqual(new Set(['PURCHASE_LIMIT', 'OUT_OF_STOCK']));
    const accepted = placed.filter((p) => p.res.status === 201);
    const held = accepted.reduce((s, p) => s + p.buyer.quantity, 0);
    expect(held).toBeLessThanOrEqual(UNITS);
    // Checkout caps: no checkout email holds more than the cap.
    const heldByEmail = new Map<string, number>();
    for (const p of accepted) {
      heldByEmail.set(
        p.buyer.checkoutEmail,
        (heldByEmail.get(p.buyer.checkoutEmail) ?? 0) + p.buyer.quantity,
      );
    }
    expect(Math.max(...heldByEmail.values())).toBeLessThanOrEqual(CAP);

    // 2. Everyone who got a payment page pays, at once, as the person they are.
    const paid = await Promise.all(
      accepted.map((p) =>
        payAs(app, p.res.body.sessionId as string, {
          email: p.buyer.email,
          card: p.buyer.card,
          street: p.buyer.street,
        }),
      ),
    );
    expect(paid.filter((s) => s !== 303)).toEqual([]);

    // 3. Over-cap orders are refunded after their finalisation committed (the simulator then reports it).
    const orderIds = accepted.map((p) => p.res.body.orderId as string);
    const settled = await eventually(async () => {
      const [row] = await query(
        app,
        `select count(*)::int as n from orders
         where id = any($1) and attention_reason like 'purchase_limit%' and status <> 'refunded'`,
        [orderIds],
      );
      return row!.n === 0;
    }, 30_000);
    expect(settled).toBe(true);

    // No buyer — by email, by card, by address — keeps more than the cap.
    for (const column of ['buyer_email_key', 'buyer_card_fingerprint', 'buyer_address_key']) {
      const rows = await query(
        app,
        `select o.${column} as key, sum(oi.quantity)::int as units
         from orders o join order_items oi on oi.order_id = o.id
         where oi.product_id = $1 and o.status in ('paid', 'packed', 'shipped')
         group by o.${column}`,
        [product.id],
      );
      expect(rows.every((r) => r.key !== null)).toBe(true);
      expect(Math.max(...rows.map((r) => Number(r.units)))).toBeLessThanOrEqual(CAP);
    }
    // Nothing oversold; the counters agree with what was sold.
    const [sold] = await query(
      app,
      `select coalesce(sum(oi.quantity), 0)::int as units from orders o join order_items oi on oi.order_id = o.id
       where oi.product_id = $1 and o.status in ('paid', 'packed', 'shipped')`,
      [product.id],
    );
    const soldUnits = Number(sold!.units);
    expect(soldUnits).toBeGreaterThan(0);
    expect(soldUnits).toBeLessThanOrEqual(UNITS);
    const [inv] = await query(app, `select on_hand, reserved from product_inventory where product_id = $1`, [
      product.id,
    ]);
    expect(inv).toEqual({ on_hand: UNITS - soldUnits, reserved: 0 });

    // Finalisation caps were exercised — by the shared card among them — and every over-cap order was
    // parked, its stock released, and refunded exactly once with the buyer told why.
    const overCap = await query(
      app,
      `select o.id, o.status, o.attention_reason,
              (select count(*)::int from payment_refunds r where r.order_id = o.id) as refunds,
              (select count(*)::int from email_outbox e where e.order_id = o.id and e.kind = 'purchase_limit') as told,
              (select count(*)::int from inventory_reservations r where r.order_id = o.id and r.status = 'converted') as converted
       from orders o where o.id = any($1) and o.attention_reason like 'purchase_limit%'`,
      [orderIds],
    );
    expect(overCap.length).toBeGreaterThan(0);
    expect(overCap.some((o) => /same card/.test(String(o.attention_reason)))).toBe(true);
    for (const o of overCap) {
      expect(o).toMatchObject({ status: 'refunded', refunds: 1, told: 1, converted: 0 });
    }
    // Every accepted order ended paid or parked-and-refunded: none was lost or left pending.
    const [states] = await query(
      app,
      `select count(*) filter (where status in ('paid', 'refunded'))::int as done, count(*)::int as n
       from orders where id = any($1)`,
      [orderIds],
    );
    expect(states).toEqual({ done: orderIds.length, n: orderIds.length });
    // No webhook delivery failed (the simulator's 303 does not show the webhook's answer; the inbox does).
    const [inbox] = await query(
      app,
      `select count(*) filter (where status <> 'processed')::int as unprocessed from stripe_webhook_events`,
    );
    expect(inbox).toEqual({ unprocessed: 0 });
    console.info(
      `drop storm: ${accepted.length} checkouts accepted (${codes.filter((c) => c === 'PURCHASE_LIMIT').length} PURCHASE_LIMIT, ${codes.filter((c) => c === 'OUT_OF_STOCK').length} OUT_OF_STOCK), ${soldUnits} units sold, ${overCap.length} over-cap orders refunded`,
    );
  });
});
