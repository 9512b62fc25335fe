import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink, type TRPCClientError } from '@trpc/client';
import { makeProduct } from '@popbox/db/testing';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';
import { GENESIS_HASH, logEntryHash, type LogEntryInput } from '@popbox/domain/kuji-verifier';
import type { AppRouter } from '../src/trpc/app-router.js';
import { adminClient, type AdminClient } from './support/admin.js';
import { guestCookie } from './support/guest.js';
import {
  orderOf,
  paidCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

/**
 * Issue 12, defects 5 and 7: tickets are voided only by refunds the provider reports succeeded; after a draw
 * the refundable amount is the standard lines + shipping (+ kuji lines that never reached the draw); staff may
 * force a kuji refund with a reason (audited, voids logged publicly for dealt v2 tickets). Real checkout +
 * fake Stripe; kuji orders are still dealt at finalisation here, so v2 draw lines are written by the test.
 */
let h: CheckoutHarness;
let admin: AdminClient;

beforeAll(async () => {
  h = await startCheckoutHarness();
  admin = await adminClient(h.app);
});
afterAll(() => h?.close());
beforeEach(() => {
  h.stripe.refundStatus = 'succeeded';
  h.stripe.refundDelayMs = 0;
});

const db = () => h.app.database.db;
const refund = (orderId: string, body: Record<string, unknown> = {}, key = randomUUID()) =>
  admin.call('POST', `/admin/orders/${orderId}/refund`, body, { 'idempotency-key': key });
const trpc = (key: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${h.app.url}/api/trpc`,
        headers: () => ({ authorization: `Bearer ${admin.token}`, 'idempotency-key': key }),
      }),
    ],
  });
const stripeRefundCalls = () =>
  h.stripe.calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds').length;
const ticketsOf = (orderId: string) =>
  sql(
    h.app,
    `select id, voided_at as "voidedAt", void_reason as "voidReason", deck_position as "position",
            draw_log_id as "drawLogId", kuji_product_id as "productId"
       from tickets where order_id = $1 order by deck_position`,
    [orderId],
  );

async function kujiBoard() {
  const kuji = await makeKujiProduct(db(), {
    product: { priceCents: 1500, name: 'Hero Board' },
    prizes: [
      { code: 'A1', quantity: 3 },
      { code: 'B1', quantity: 17 },
    ],
  });
  return kuji;
}

/** 2 sticker sheets (500 each) + 3 kuji draws (1500 each) + shipping, paid and finalised. */
async function mixedOrder() {
  const stickers = await makeProduct(db(), {
    product: { priceCents: 500, name: 'Sticker sheet' },
    inventory: { onHand: 10 },
  });
  const kuji = await kujiBoard();
  const paid = await paidCheckout(h, [
    { productId: stickers.id, quantity: 2 },
    { productId: kuji.product.id, quantity: 3 },
  ]);
  await dealKujiDrawsNow(db());
  const { order } = await orderOf(db(), paid.orderId);
  return { ...paid, order, kuji, shippingCents: order.shippingCents, total: order.totalCents };
}

async function revealAll(order: { publicId: string; accessTokenVersion: number }) {
  const cookie = await guestCookie(h.app, order);
  const res = await fetch(`${h.app.url}/api/v1/orders/${order.publicId}/tickets/reveal-all`, {
    method: 'POST',
    headers: { cookie },
  });
  expect(res.status).toBe(200);
}

/** The order's draw line of a board as the public log holds it (dealt by the jobs app's dealer). */
async function drawLineOf(orderId: string, productId: string) {
  const ts = await ticketsOf(orderId);
  const [line] = await sql(
    h.app,
    `select l.line_ref as "lineRef" from kuji_draw_log l join order_items i on i.id = l.order_item_id
      where i.order_id = $1 and l.product_id = $2 and l.kind = 'draw'`,
    [orderId, productId],
  );
  return {
    lineRef: line!.lineRef as string,
    positions: ts.map((t) => t.position as number).sort((a, b) => a - b),
  };
}

async function boardLog(productId: string) {
  return sql(
    h.app,
    `select seq, kind, epoch, line_ref as "lineRef", ticket_count as "ticketCount", target_round as "targetRound",
            commitment, void_positions as "voidPositions", void_reason as "voidReason", prev_hash as "prevHash",
            entry_hash as "entryHash", logged_at as "loggedAt"
       from kuji_draw_log where product_id = $1 order by seq`,
    [productId],
  );
}

/** Every entry's hash recomputed from its stored fields, and every link checked. */
async function expectChainValid(productId: string) {
  let prev = GENESIS_HASH;
  const log = await boardLog(productId);
  for (const e of log) {
    expect(e.prevHash).toBe(prev);
    const hash = await logEntryHash({
      prevHash: e.prevHash as string,
      seq: e.seq as number,
      kind: e.kind as LogEntryInput['kind'],
      epoch: e.epoch as number,
      lineRef: e.lineRef as string | null,
      ticketCount: e.ticketCount as number,
      targetRound: e.targetRound === null ? null : Number(e.targetRound),
      commitment: e.commitment as string | null,
      voidPositions: e.voidPositions as number[] | null,
      voidReason: e.voidReason as string | null,
      loggedAt: (e.loggedAt as Date).toISOString(),
    });
    expect(hash, `entry ${String(e.seq)}`).toBe(e.entryHash);
    prev = e.entryHash as string;
  }
  return log;
}

describe('defect 5: tickets are voided only by refunds the provider reports succeeded', () => {
  it('a pending full refund that fails leaves the tickets valid and the order paid', async () => {
    const kuji = await kujiBoard();
    const { orderId } = await paidCheckout(h, [{ productId: kuji.product.id, quantity: 3 }]);
    await dealKujiDrawsNow(db());
    const { order } = await orderOf(db(), orderId);
    h.stripe.refundStatus = 'pending';
    const res = await refund(orderId, { forceKujiRefund: { reason: 'buyer asked, before reveal' } });
    expect(res.status).toBe(200);
    expect(res.body.refunds[0]).toMatchObject({ status: 'pending', amountCents: order.totalCents });
    // Pending: the money may still leave (the remainder is reserved), but nothing is refunded or voided yet.
    expect(res.body).toMatchObject({
      status: 'paid',
      payment: { status: 'paid', refundedAmountCents: order.totalCents },
    });
    expect((await ticketsOf(orderId)).every((t) => t.voidedAt === null)).toBe(true);
    expect((await refund(orderId, { amountCents: 100 })).body.error.code).toBe('REFUND_NOT_ALLOWED');

    const failed = h.stripe.setRefundStatus(res.body.refunds[0].providerRefundId, 'failed');
    expect((await postWebhook(h.app, h.stripe.event('refund.failed', failed))).status).toBe(200);
    const after = await orderOf(db(), orderId);
    expect(after.order).toMatchObject({ status: 'paid', refundedAt: null, attentionReason: null });
    expect(after.payment).toMatchObject({ status: 'paid', refundedAmountCents: 0 });
    expect((await ticketsOf(orderId)).every((t) => t.voidedAt === null)).toBe(true);
    expect(after.emails.filter((e) => e.kind === 'refund')).toHaveLength(0);

    // The buyer can still reveal the (valid) tickets; staff can refund again with a new key.
    await revealAll(after.order);
    h.stripe.refundStatus = 'succeeded';
    const again = await refund(orderId, { forceKujiRefund: { reason: 'second try' } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('refunded');
    expect((await ticketsOf(orderId)).every((t) => t.voidReason === 'forced kuji refund: second try')).toBe(
      true,
    );
  });

  it('a pending forced refund voids the tickets (and logs the v2 voids) once the provider reports it succeeded', async () => {
    const kuji = await kujiBoard();
    const { orderId } = await paidCheckout(h, [{ productId: kuji.product.id, quantity: 2 }]);
    await dealKujiDrawsNow(db());
    const line = await drawLineOf(orderId, kuji.product.id);
    h.stripe.refundStatus = 'pending';
    const res = await refund(orderId, { forceKujiRefund: { reason: 'duplicate purchase' } });
    expect(res.status).toBe(200);
    expect((await ticketsOf(orderId)).every((t) => t.voidedAt === null)).toBe(true);
    expect((await boardLog(kuji.product.id)).filter((e) => e.kind === 'void')).toHaveLength(0);

    const succeeded = h.stripe.setRefundStatus(res.body.refunds[0].providerRefundId, 'succeeded');
    for (let i = 0; i < 2; i++) {
      expect((await postWebhook(h.app, h.stripe.event('refund.updated', succeeded))).status).toBe(200);
    }
    const { order } = await orderOf(db(), orderId);
    expect(order.status).toBe('refunded');
    const voided = await ticketsOf(orderId);
    expect(voided.every((t) => t.voidReason === 'forced kuji refund: duplicate purchase')).toBe(true);
    const log = await expectChainValid(kuji.product.id);
    const voids = log.filter((e) => e.kind === 'void');
    expect(voids).toHaveLength(1); // the second delivery appended nothing
    expect(voids[0]).toMatchObject({
      lineRef: line.lineRef,
      epoch: 1,
      ticketCount: 2,
      voidPositions: line.positions,
      voidReason: 'forced_refund',
    });
  });
});

describe('defect 7: refunds after a draw', () => {
  it('refunds the standard line (REST) and the shipping (tRPC) of a mixed order after a reveal, not more', async () => {
    const m = await mixedOrder();
    await revealAll(m.order);
    const before = stripeRefundCalls();

    // Beyond the standard line + shipping: 409 with the code, the numbers and a message saying what can go.
    const refundable = 1000 + m.shippingCents;
    const tooMuch = await refund(m.orderId, { amountCents: refundable + 1 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    expect(tooMuch.body.error.details).toMatchObject({
      requestedCents: refundable + 1,
      availableCents: refundable,
      refundableCents: refundable,
      remainingCents: m.total,
      shippingCents: m.shippingCents,
    });
    expect(tooMuch.body.error.details.lines).toHaveLength(2);
    expect(tooMuch.body.error.details.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Sticker sheet',
          amountCents: 1000,
          refundable: true,
          why: 'standard',
        }),
        expect.objectContaining({ name: 'Hero Board', amountCents: 4500, refundable: false, why: 'drawn' }),
      ]),
    );
    expect(tooMuch.body.error.message).toContain(`Only $${(refundable / 100).toFixed(2)} of this order`);
    expect(tooMuch.body.error.message).toContain('Sticker sheet ×2 ($10.00)');
    expect(tooMuch.body.error.message).toContain('Hero Board ×3 ($45.00)');
    expect(stripeRefundCalls()).toBe(before);

    const standard = await refund(m.orderId, { amountCents: 1000, reason: 'stickers damaged' });
    expect(standard.status).toBe(200);
    expect(standard.body).toMatchObject({ status: 'paid', payment: { refundedAmountCents: 1000 } });

    const key = randomUUID();
    const shipping = await trpc(key).admin.orders.refund.mutate({ id: m.orderId });
    expect(shipping.payment).toMatchObject({ refundedAmountCents: refundable, status: 'paid' });
    expect(shipping.status).toBe('paid');

    // Nothing is left without force, through both transports.
    const rest = await refund(m.orderId, {});
    expect(rest.status).toBe(409);
    expect(rest.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      details: { availableCents: 0 },
    });
    const viaTrpc = await trpc(randomUUID())
      .admin.orders.refund.mutate({ id: m.orderId, amountCents: 1 })
      .then(
        () => expect.unreachable('refunded a drawn kuji line without force'),
        (e: unknown) => e as TRPCClientError<AppRouter>,
      );
    expect(viaTrpc.data).toMatchObject({ httpStatus: 409, errorCode: 'REFUND_EXCEEDS_REFUNDABLE' });
    expect((await ticketsOf(m.orderId)).every((t) => t.voidedAt === null)).toBe(true);
  });

  it('forces a kuji refund with a reason: audited, tickets voided, v2 voids in the public log', async () => {
    const m = await mixedOrder();
    await revealAll(m.order);
    const line = await drawLineOf(m.orderId, m.kuji.product.id);
    const res = await refund(m.orderId, {
      reason: 'customer complaint',
      forceKujiRefund: { reason: 'wrong board advertised' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refunded', payment: { refundedAmountCents: m.total } });
    for (const t of res.body.tickets) {
      expect(t.voidedAt).not.toBeNull();
      expect(t.voidReason).toBe('forced kuji refund: wrong board advertised');
    }
    const [audit] = await sql(
      h.app,
      `select action, actor_user_id as "actor", after from admin_audit_log
        where entity_id = $1 and action = 'order.refund'`,
      [m.orderId],
    );
    expect(audit).toMatchObject({
      actor: admin.userId,
      after: { forcedKujiRefund: { forced: true, reason: 'wrong board advertised' } },
    });
    // The provider carries the force too (reconciliation and webhooks recognise it).
    const [atStripe] = [...h.stripe.refunds.values()].filter((r) => r.payment_intent === m.paymentIntentId);
    expect((atStripe!.metadata as Record<string, string>).forceKujiRefund).toBe('wrong board advertised');

    const log = await expectChainValid(m.kuji.product.id);
    expect(log.filter((e) => e.kind === 'void')).toEqual([
      expect.objectContaining({
        lineRef: line.lineRef,
        ticketCount: 3,
        voidPositions: line.positions,
        voidReason: 'forced_refund',
      }),
    ]);
  });

  it('validates the force: a reason is required, and forcing needs a drawn kuji line', async () => {
    const m = await mixedOrder();
    for (const body of [
      { forceKujiRefund: {} },
      { forceKujiRefund: { reason: '   ' } },
      { forceKujiRefund: true },
    ]) {
      const res = await refund(m.orderId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const stickers = await makeProduct(db(), { product: { priceCents: 700 }, inventory: { onHand: 3 } });
    const plain = await paidCheckout(h, [{ productId: stickers.id, quantity: 1 }]);
    const res = await refund(plain.orderId, { forceKujiRefund: { reason: 'nothing to force' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'REFUND_NOT_ALLOWED',
      details: { reason: 'nothing_to_force' },
    });
  });
});
