import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { makeKujiProduct } from '@popbox/db/testing';
import { orderAccessUrl } from '@popbox/domain';
import { verifyEpoch } from '@popbox/domain/kuji-verifier';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';
import { postCheckout, sql } from './support/checkout.js';

/**
 * Issue 5's storm through the real money path: 20 buyers check out random numbers of draws from an 80-card
 * board at once and pay on the local simulator, whose signed webhooks finalise and deal the tickets.
 */
const BOARD = [
  { code: 'A1', quantity: 2 },
  { code: 'B1', quantity: 4 },
  { code: 'B2', quantity: 4 },
  { code: 'C1', quantity: 10 },
  { code: 'D1', quantity: 20 },
  { code: 'E1', quantity: 40 },
  { code: 'LO', tier: 'LO', quantity: 1, name: 'Last One: giant plush' },
];

/** 20 positive counts of at most 20 (the cart's per-line limit) summing to 80. */
function draws(): number[] {
  for (;;) {
    const cuts = new Set<number>();
    while (cuts.size < 19) cuts.add(1 + Math.floor(Math.random() * 79));
    const sorted = [0, ...[...cuts].sort((a, b) => a - b), 80];
    const parts = sorted.slice(1).map((c, i) => c - sorted[i]!);
    if (parts.every((p) => p <= 20)) return parts;
  }
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function guestCookie(order: { publicId: string; accessTokenVersion: number }) {
  const token = new URL(orderAccessUrl(app.deps, order)).searchParams.get('token')!;
  const res = await fetch(
    `${app.url}/api/v1/orders/${order.publicId}/access?token=${encodeURIComponent(token)}`,
    {
      redirect: 'manual',
    },
  );
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** Every ticket-shaped object in a guest payload: unrevealed means no prize. */
function unrevealedPrizeLeaks(payload: Json): number {
  let leaks = 0;
  const visit = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      if ('ticketNumber' in node && node.revealedAt === null && node.prize !== null) leaks++;
      Object.values(node).forEach(visit);
    }
  };
  visit(payload);
  return leaks;
}

describe('kuji box storm through checkout and the payment webhook', () => {
  it('deals every card once, matches the manifest, awards Last One to position 80, leaks nothing', async () => {
    const { product, prizes } = await makeKujiProduct(app.database.db, { prizes: BOARD });
    const counts = draws();

    const checkouts = await Promise.all(
      counts.map((quantity) =>
        postCheckout(app, { items: [{ productId: product.id, quantity }] }, randomUUID()),
      ),
    );
    expect(checkouts.map((r) => r.status)).toEqual(counts.map(() => 201));
    const sessions: Array<{ sessionId: string; orderId: string; publicId: string }> = await Promise.all(
      checkouts.map((r) => json(r)),
    );
    // The deck and its commitment exist before anyone has paid (F12).
    const before = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    expect(before.epochs).toHaveLength(1);
    expect(before.epochs[0].seedHex).toBeNull();
    expect(before.epochs[0].commitment).toMatch(/^[0-9a-f]{64}$/);

    const paid = await Promise.all(
      sessions.map((s) =>
        fetch(`${app.url}/dev/checkout/${s.sessionId}/pay`, { method: 'POST', redirect: 'manual' }),
      ),
    );
    expect(paid.map((r) => r.status)).toEqual(sessions.map(() => 303));

    const orders = await sql(
      app,
      `SELECT id, public_id, status, includes_last_one_prize, access_token_version FROM orders WHERE id = ANY($1::uuid[])`,
      [sessions.map((s) => s.orderId)],
    );
    expect(orders.map((o) => o.status)).toEqual(orders.map(() => 'paid'));

    const tickets = await sql(
      app,
      `SELECT order_id, kuji_prize_id, deck_position FROM tickets WHERE kuji_product_id = $1`,
      [product.id],
    );
    expect(tickets).toHaveLength(80);
    expect(new Set(tickets.map((t) => t.deck_position))).toEqual(
      new Set(Array.from({ length: 80 }, (_, i) => i + 1)),
    );
    for (const prize of prizes.filter((p) => p.prizeTier !== 'LO')) {
      expect(tickets.filter((t) => t.kuji_prize_id === prize.id)).toHaveLength(prize.initialQuantity);
    }
    sessions.forEach((s, i) =>
      expect(tickets.filter((t) => t.order_id === s.orderId)).toHaveLength(counts[i]!),
    );

    const holder = tickets.find((t) => t.deck_position === 80)!.order_id;
    expect(orders.filter((o) => o.includes_last_one_prize).map((o) => o.id)).toEqual([holder]);
    const [inventory] = await sql(
      app,
      `SELECT on_hand, reserved FROM product_inventory WHERE product_id = $1`,
      [product.id],
    );
    expect(inventory).toEqual({ on_hand: 0, reserved: 0 });
    const remaining = await sql(app, `SELECT remaining_quantity FROM kuji_prizes WHERE product_id = $1`, [
      product.id,
    ]);
    expect(remaining.every((r) => r.remaining_quantity === 0)).toBe(true);

    // Sold out: anyone can verify the board from the public fairness record alone.
    const fairness = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    expect(fairness.lastOne).toMatchObject({ prizeCode: 'LO', awarded: true });
    for (const epoch of fairness.epochs) {
      expect(epoch.seedHex).toMatch(/^[0-9a-f]{64}$/);
      const result = await verifyEpoch({ ...epoch, dealt: epoch.dealt });
      expect(result).toEqual({ ok: true, problems: [] });
    }

    // No guest-facing payload shows an unrevealed prize: order view, ticket list, checkout success.
    for (const [i, order] of orders.entries()) {
      const cookie = await guestCookie({
        publicId: String(order.public_id),
        accessTokenVersion: Number(order.access_token_version),
      });
      const view = await json(
        await fetch(`${app.url}/api/v1/orders/${order.public_id}`, { headers: { cookie } }),
      );
      const list = await json(
        await fetch(`${app.url}/api/v1/orders/${order.public_id}/tickets`, { headers: { cookie } }),
      );
      const session = sessions.find((s) => s.orderId === order.id)!;
      const success = await json(
        await fetch(`${app.url}/api/v1/checkout/success?session_id=${session.sessionId}`),
      );
      expect(view.tickets.length).toBeGreaterThan(0);
      expect(list.counts.unrevealed).toBe(list.counts.total);
      expect(success.order.tickets).toHaveLength(list.counts.total);
      expect(unrevealedPrizeLeaks(view) + unrevealedPrizeLeaks(list) + unrevealedPrizeLeaks(success)).toBe(0);
      if (i === 0) expect(JSON.stringify(view)).not.toContain('"prizeCode"');
    }
  });
});
