import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { dealDueKujiLines, orderAccessUrl } from '@popbox/domain';
import { verifyBoard, verifyTicket, type FairnessDocument } from '@popbox/domain/kuji-verifier';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';
import { postCheckout, sql } from './support/checkout.js';
import { makeKujiProduct } from '@popbox/domain/testing';

/**
 * Issue 5's storm through the real money path, dealt by recipe v2 (issue 12): 20 buyers check out random
 * numbers of draws from an 80-card board at once and pay on the local simulator, whose signed webhooks log
 * each paid line with its target beacon round; the dealer deals them with the local beacon's rounds as they
 * are published. The whole board — every ticket — then verifies from the PUBLIC fairness document alone.
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

/** Runs the jobs app's dealer (same code) until no paid line waits, as the beacon publishes its rounds. */
async function dealUntilDone(deadlineMs = 15_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    await dealDueKujiLines(app.deps);
    const [{ n }] = (await sql(
      app,
      `SELECT count(*)::int AS n FROM kuji_draw_log WHERE kind = 'draw' AND dealt_at IS NULL`,
    )) as [{ n: number }];
    if (n === 0) return;
    if (Date.now() > until) throw new Error(`${n} lines still undealt`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('kuji box storm through checkout and the payment webhook', () => {
  it('deals every card once, matches the manifest, awards Last One to position 80, verifies publicly, leaks nothing', async () => {
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
    // The epoch and its commitment were published when the board went on sale, before anyone paid.
    const before = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    expect(before.epochs).toHaveLength(1);
    expect(before.epochs[0].seedHex).toBeNull();
    expect(before.epochs[0].commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(before.log).toEqual([
      expect.objectContaining({ seq: 1, kind: 'epoch', commitment: before.epochs[0].commitment }),
    ]);

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

    // Paid lines are logged with a round that did not exist yet; their tickets are pending until it is dealt.
    const logged = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    const drawEntries = logged.log.filter((e: { kind: string }) => e.kind === 'draw');
    expect(drawEntries).toHaveLength(20);
    // Each line's round was published at least 1 s after the line was logged (nobody could know it then).
    const chain = logged.beacon.chains[0];
    for (const e of drawEntries as Array<{ loggedAt: string; targetRound: number }>) {
      const publishedMs = (chain.genesisTime + (e.targetRound - 1) * chain.periodSeconds) * 1000;
      expect(publishedMs).toBeGreaterThanOrEqual(Date.parse(e.loggedAt) + 1000);
    }
    expect(logged.pendingCards + logged.dealtCards).toBe(80);
    await dealUntilDone();

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
    const afterDeal = await sql(
      app,
      `SELECT id FROM orders WHERE includes_last_one_prize AND id = ANY($1::uuid[])`,
      [sessions.map((s) => s.orderId)],
    );
    expect(afterDeal.map((o) => o.id)).toEqual([holder]);
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

    // Sold out: anyone can verify the board — every line, every card — from the public fairness document alone.
    const fairness = (await json(
      await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`),
    )) as unknown as FairnessDocument & { lastOne: { awarded: boolean; lineRef: string } };
    expect(fairness.lastOne).toMatchObject({ prizeCode: 'LO', awarded: true });
    expect(fairness.epochs.every((e) => /^[0-9a-f]{64}$/.test(e.seedHex ?? ''))).toBe(true);
    const verdict = await verifyBoard(fairness);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.lines.filter((l) => l.status === 'verified')).toHaveLength(20);
    const [winner] = await sql(
      app,
      `SELECT l.line_ref FROM kuji_draw_log l JOIN tickets t ON t.draw_log_id = l.id WHERE t.deck_position = 80 AND t.kuji_product_id = $1`,
      [product.id],
    );
    expect(fairness.lastOne.lineRef).toBe(winner!.line_ref);

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

      // Each ticket is a receipt: after revealing, the buyer checks it against the public document.
      const revealed = await json(
        await fetch(`${app.url}/api/v1/orders/${order.public_id}/tickets/reveal-all`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      for (const ticket of revealed.tickets) {
        expect(ticket).toMatchObject({ status: 'dealt', epoch: 1, lineRef: expect.stringMatching(/^ln_/) });
        const check = await verifyTicket(fairness, {
          lineRef: ticket.lineRef,
          position: ticket.position,
          prizeId: ticket.prize.id,
        });
        expect(check.problems).toEqual([]);
        expect(check.ok).toBe(true);
      }
      if (i === 0) {
        const forged = await verifyTicket(fairness, {
          lineRef: revealed.tickets[0].lineRef,
          position: revealed.tickets[0].position,
          prizeId: prizes.find((p) => p.id !== revealed.tickets[0].prize.id && p.prizeTier !== 'LO')!.id,
        });
        expect(forged.ok).toBe(false);
      }
    }
  });
});
