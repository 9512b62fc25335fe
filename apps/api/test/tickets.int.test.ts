import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { makeKujiProduct as makeKujiRows, makeOrder, makeProduct, makeTicket } from '@popbox/db/testing';
import { lockKey, orderAccessUrl, orderActionLock } from '@popbox/domain';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';
import { adminClient } from './support/admin.js';
import { postCheckout, sql } from './support/checkout.js';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';
import { guestCookie } from './support/guest.js';

let app: TestApp;
let kuji: Awaited<ReturnType<typeof makeKujiProduct>>;

beforeAll(async () => {
  app = await startTestApp();
  kuji = await makeKujiProduct(app.database.db, {
    prizes: [
      { code: 'A1', quantity: 2 },
      { code: 'B1', quantity: 8 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ],
  });
});
afterAll(() => app?.close());

/** A paid order with `count` unrevealed tickets, and a session cookie for it. */
async function orderWithTickets(
  count: number,
  status: 'paid' | 'pending_payment' | 'refunded' | 'packed' = 'paid',
) {
  const db = app.database.db;
  const { order, items } = await makeOrder(db, {
    order: { status },
    lines: [{ product: kuji.product, quantity: count }],
  });
  const created = [];
  for (let i = 0; i < count; i++)
    created.push(await makeTicket(db, { order, item: items[0]!, prize: kuji.prizes[i % 2]! }));
  const link = orderAccessUrl(app.deps, order);
  const res = await fetch(
    `${app.url}/api/v1/orders/${order.publicId}/access?token=${encodeURIComponent(new URL(link).searchParams.get('token')!)}`,
    {
      redirect: 'manual',
    },
  );
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  return { order, tickets: created, cookie };
}

const call = (path: string, cookie: string, method = 'GET') =>
  fetch(`${app.url}/api/v1${path}`, { method, headers: { cookie } });

/** Every prize field of an unrevealed ticket must be empty in a guest payload. */
function assertNoUnrevealedPrize(payload: Json) {
  const visit = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      if ('ticketNumber' in node && node.revealedAt === null) expect(node.prize).toBeNull();
      Object.values(node).forEach(visit);
    }
  };
  visit(payload);
}

describe('kuji tickets for guests (B11)', () => {
  it('lists tickets partitioned by revealed state, with no unrevealed prize anywhere', async () => {
    const { order, cookie } = await orderWithTickets(3);
    const res = await call(`/orders/${order.publicId}/tickets`, cookie);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.counts).toEqual({ total: 3, revealed: 0, unrevealed: 3 });
    expect(body.unrevealed).toHaveLength(3);
    assertNoUnrevealedPrize(body);
    const text = JSON.stringify(body);
    for (const prize of kuji.prizes) expect(text).not.toContain(prize.name);
    assertNoUnrevealedPrize(await json(await call(`/orders/${order.publicId}`, cookie)));
  });

  it('reveals one ticket idempotently and shows its prize', async () => {
    const { order, tickets, cookie } = await orderWithTickets(2);
    const first = await call(`/orders/${order.publicId}/tickets/${tickets[0]!.id}/reveal`, cookie, 'POST');
    expect(first.status).toBe(200);
    const view = await json(first);
    expect(view.prize).toMatchObject({ id: tickets[0]!.kujiPrizeId });
    const again = await json(
      await call(`/orders/${order.publicId}/tickets/${tickets[0]!.id}/reveal`, cookie, 'POST'),
    );
    expect(again.revealedAt).toBe(view.revealedAt);
    const list = await json(await call(`/orders/${order.publicId}/tickets`, cookie));
    expect(list.counts).toEqual({ total: 2, revealed: 1, unrevealed: 1 });
    assertNoUnrevealedPrize(list);
  });

  it("answers 404 for another order's ticket and 400 for a ticket id that is not a UUID", async () => {
    const mine = await orderWithTickets(1);
    const theirs = await orderWithTickets(1);
    expect(
      (
        await call(
          `/orders/${mine.order.publicId}/tickets/${theirs.tickets[0]!.id}/reveal`,
          mine.cookie,
          'POST',
        )
      ).status,
    ).toBe(404);
    const bad = await call(`/orders/${mine.order.publicId}/tickets/not-a-uuid/reveal`, mine.cookie, 'POST');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses voided tickets and orders that are not paid, packed or shipped', async () => {
    const db = app.database.db;
    const { order, items } = await makeOrder(db, { lines: [{ product: kuji.product, quantity: 1 }] });
    const voided = await makeTicket(db, {
      order,
      item: items[0]!,
      prize: kuji.prizes[0]!,
      voidedAt: new Date(),
    });
    const token = new URL(orderAccessUrl(app.deps, order)).searchParams.get('token')!;
    const cookie = (
      await fetch(`${app.url}/api/v1/orders/${order.publicId}/access?token=${encodeURIComponent(token)}`, {
        redirect: 'manual',
      })
    ).headers
      .getSetCookie()[0]!
      .split(';')[0]!;
    const res = await call(`/orders/${order.publicId}/tickets/${voided.id}/reveal`, cookie, 'POST');
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('TICKET_VOIDED');

    const refunded = await orderWithTickets(1, 'refunded');
    const r = await call(`/orders/${refunded.order.publicId}/tickets/reveal-all`, refunded.cookie, 'POST');
    expect(r.status).toBe(409);
    expect((await json(r)).error.code).toBe('TICKETS_NOT_REVEALABLE');
  });

  it('reveals all unrevealed, non-voided tickets and keeps earlier reveal times', async () => {
    const { order, tickets, cookie } = await orderWithTickets(3, 'packed');
    const one = await json(
      await call(`/orders/${order.publicId}/tickets/${tickets[0]!.id}/reveal`, cookie, 'POST'),
    );
    await new Promise((r) => setTimeout(r, 10));
    const res = await call(`/orders/${order.publicId}/tickets/reveal-all`, cookie, 'POST');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.counts).toEqual({ total: 3, revealed: 3, unrevealed: 0 });
    expect(body.tickets.find((t: Json) => t.id === tickets[0]!.id).revealedAt).toBe(one.revealedAt);
    expect(body.tickets.every((t: Json) => t.prize !== null)).toBe(true);
    expect((await call(`/orders/${order.publicId}/tickets/reveal-all`, cookie, 'POST')).status).toBe(200);
  });

  it('answers 409 ORDER_BUSY while another action holds the order lock', async () => {
    const { order, tickets, cookie } = await orderWithTickets(1);
    const client = await app.database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
        lockKey(orderActionLock(order.id)).toString(),
      ]);
      const res = await call(`/orders/${order.publicId}/tickets/${tickets[0]!.id}/reveal`, cookie, 'POST');
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('ORDER_BUSY');
      await client.query('ROLLBACK');
      expect(
        (await call(`/orders/${order.publicId}/tickets/${tickets[0]!.id}/reveal`, cookie, 'POST')).status,
      ).toBe(200);
    } finally {
      client.release();
    }
  });

  it('needs the session cookie', async () => {
    const { order } = await orderWithTickets(1);
    expect((await fetch(`${app.url}/api/v1/orders/${order.publicId}/tickets`)).status).toBe(401);
  });
});

describe('a paid line waits for its beacon round (issue 12)', () => {
  it('shows pending tickets with their receipt, refuses to reveal them with Retry-After, then reveals once dealt', async () => {
    const board = await makeKujiProduct(app.database.db, { prizes: [{ code: 'A1', quantity: 5 }] });
    const res = await postCheckout(
      app,
      { items: [{ productId: board.product.id, quantity: 2 }] },
      randomUUID(),
    );
    const session = (await json(res)) as { sessionId: string; orderId: string; publicId: string };
    await fetch(`${app.url}/dev/checkout/${session.sessionId}/pay`, { method: 'POST', redirect: 'manual' });
    const [order] = await sql(app, `SELECT public_id, access_token_version FROM orders WHERE id = $1`, [
      session.orderId,
    ]);
    const cookie = await guestCookie(app, {
      publicId: String(order!.public_id),
      accessTokenVersion: Number(order!.access_token_version),
    });
    const list = await json(
      await fetch(`${app.url}/api/v1/orders/${session.publicId}/tickets`, { headers: { cookie } }),
    );
    expect(list.tickets).toHaveLength(2);
    for (const ticket of list.tickets) {
      expect(ticket).toMatchObject({
        status: 'pending',
        prize: null,
        position: null,
        epoch: 1,
        lineRef: expect.stringMatching(/^ln_[0-9a-f]{16}$/),
        targetRound: expect.any(Number),
      });
    }
    const one = await fetch(
      `${app.url}/api/v1/orders/${session.publicId}/tickets/${list.tickets[0].id}/reveal`,
      {
        method: 'POST',
        headers: { cookie },
      },
    );
    expect(one.status).toBe(409);
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(one)).error).toMatchObject({
      code: 'KUJI_DRAW_PENDING',
      details: { pendingTickets: 1 },
    });
    const all = await fetch(`${app.url}/api/v1/orders/${session.publicId}/tickets/reveal-all`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(all.status).toBe(409);
    expect((await json(all)).error.code).toBe('KUJI_DRAW_PENDING');

    await dealKujiDrawsNow(app.database.db);
    const revealed = await fetch(`${app.url}/api/v1/orders/${session.publicId}/tickets/reveal-all`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(revealed.status).toBe(200);
    const body = await json(revealed);
    expect(body.tickets.map((t: Json) => [t.status, (t.prize as Json)?.prizeCode, t.position])).toEqual([
      ['dealt', 'A1', expect.any(Number)],
      ['dealt', 'A1', expect.any(Number)],
    ]);
  });
});

describe('kuji fairness (F12)', () => {
  it('publishes the commitment but not the seed as soon as the board is on sale', async () => {
    const { product } = await makeKujiProduct(app.database.db, {
      prizes: [
        { code: 'A1', quantity: 1 },
        { code: 'B1', quantity: 2 },
      ],
    });
    // Issue 12: the epoch is opened when the board goes on sale, before any checkout; a read changes nothing.
    const before = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    expect(before).toMatchObject({ slug: product.slug, totalCards: 3, remainingCards: 3, dealtCards: 0 });
    expect(before.tiers).toEqual([
      { tier: 'A', remaining: 1, initial: 1 },
      { tier: 'B', remaining: 2, initial: 2 },
    ]);
    expect(before.recipe.version).toBe('popbox-kuji-v2');
    expect(before.epochs).toEqual([
      expect.objectContaining({
        epoch: 1,
        cardCount: 3,
        seedHex: null,
        commitment: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect(before.log).toEqual([
      expect.objectContaining({
        seq: 1,
        kind: 'epoch',
        commitment: before.epochs[0].commitment,
        prevHash: '0'.repeat(64),
      }),
    ]);
    expect(before.beacon.chains).toEqual([
      expect.objectContaining({ hash: before.epochs[0].beaconChainHash }),
    ]);
  });

  it('an admin activating a board publishes its commitment before any checkout; a board without one is not sold', async () => {
    const admin = await adminClient(app);
    const created = await admin.call('POST', '/admin/products', {
      name: 'Commit On Sale Board',
      productType: 'kuji',
      status: 'draft',
      priceCents: 900,
      collectionIds: [],
      tagIds: [],
      onHand: 0,
    });
    expect(created.body).toMatchObject({ productType: 'kuji' });
    const id = String(created.body.id);
    for (const [code, initialQuantity] of [
      ['A1', 1],
      ['B1', 3],
    ] as const) {
      const prize = await admin.call('POST', `/admin/products/${id}/kuji-prizes`, {
        prizeCode: code,
        prizeTier: code[0],
        name: `Prize ${code}`,
        initialQuantity,
      });
      expect(prize.status).toBe(201);
    }
    // A draft board has no epoch yet …
    const [draft] = await sql(app, `SELECT count(*)::int AS n FROM kuji_deck_epochs WHERE product_id = $1`, [
      id,
    ]);
    expect(draft!.n).toBe(0);
    // … and going on sale opens epoch 1 and logs its commitment in the same transaction.
    const activated = await admin.call('PATCH', `/admin/products/${id}`, { status: 'active' });
    expect(activated.status).toBe(200);
    const doc = await json(await fetch(`${app.url}/api/v1/kuji/${String(created.body.slug)}/fairness`));
    expect(doc.epochs).toHaveLength(1);
    expect(doc.epochs[0]).toMatchObject({ cardCount: 4, seedHex: null });
    expect(doc.log[0]).toMatchObject({ kind: 'epoch', commitment: doc.epochs[0].commitment });
    const sold = await postCheckout(app, { items: [{ productId: id, quantity: 1 }] }, randomUUID());
    expect(sold.status).toBe(201);

    // A board put on sale behind the app's back (no epoch, no commitment) cannot be sold.
    const raw = await makeKujiRows(app.database.db, { prizes: [{ code: 'A1', quantity: 2 }] });
    const refused = await postCheckout(
      app,
      { items: [{ productId: raw.product.id, quantity: 1 }] },
      randomUUID(),
    );
    expect(refused.status).toBe(409);
    expect((await json(refused)).error).toMatchObject({
      code: 'PRODUCT_UNAVAILABLE',
      message: expect.stringContaining('fairness commitment'),
    });

    // Ending the sale reveals the open epoch's seed.
    const ended = await admin.call('PATCH', `/admin/products/${id}`, { status: 'archived' });
    expect(ended.status).toBe(200);
    const [epoch] = await sql(
      app,
      `SELECT revealed_at, reveal_reason FROM kuji_deck_epochs WHERE product_id = $1`,
      [id],
    );
    expect(epoch).toMatchObject({ reveal_reason: 'ended', revealed_at: expect.any(Date) });
  });

  it('answers 404 for an unknown slug and for a standard product', async () => {
    expect((await fetch(`${app.url}/api/v1/kuji/no-such-board/fairness`)).status).toBe(404);
    const standard = await makeProduct(app.database.db);
    expect((await fetch(`${app.url}/api/v1/kuji/${standard.slug}/fairness`)).status).toBe(404);
  });
});
