import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import {
  inventoryOf,
  orderOf,
  postCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

const db = () => h.app.database.db;

async function deliver(event: unknown) {
  const res = await postWebhook(h.app, event);
  return { status: res.status, headers: res.headers, body: await json(res) };
}

async function paidEvent(productId: string) {
  const res = await postCheckout(h.app, { items: [{ productId, quantity: 1 }] });
  expect(res.status).toBe(201);
  const { orderId, sessionId } = (await json(res)) as { orderId: string; sessionId: string };
  return { orderId, event: h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId)) };
}

const eventRow = (id: string) =>
  db().query.stripeWebhookEvents.findFirst({ where: (t, { eq }) => eq(t.stripeEventId, id) });

/**
 * A fault in the database the test controls: the first `failures` deliveries that reach the `processed` mark
 * (after every side effect of the event ran in their transaction) stall half a second, then fail, so their
 * whole transaction rolls back. A sequence counts them (sequences ignore rollbacks).
 */
async function injectProcessingFault(failures: number, stall = { seconds: 0.5, thenFail: true }) {
  await sql(
    h.app,
    `create sequence webhook_fault_seq;
     create function webhook_fault() returns trigger language plpgsql as $$
     begin
       if new.status = 'processed' and nextval('webhook_fault_seq') <= ${failures} then
         perform pg_sleep(${stall.seconds});
         ${stall.thenFail ? "raise exception 'injected fault after the event was applied';" : ''}
       end if;
       return new;
     end $$;
     create trigger webhook_fault before update on stripe_webhook_events
       for each row execute function webhook_fault();`,
  );
}
afterEach(async () => {
  await sql(
    h.app,
    `drop trigger if exists webhook_fault on stripe_webhook_events;
     drop function if exists webhook_fault(); drop sequence if exists webhook_fault_seq;`,
  );
});

/** Resolves once a delivery is inside the injected stall, i.e. holds the event's lock mid-transaction. */
async function firstDeliveryStalled() {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql(
      h.app,
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event = 'PgSleep'`,
    );
    if (Number(row!.n) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the first delivery never reached the injected fault');
}

describe('Stripe webhook: a duplicate of an event still being processed (issue 11 item 15)', () => {
  for (const failures of [1, 2]) {
    it(`never acknowledges the duplicate before the first delivery committed (${failures} failing deliveries)`, async () => {
      const p = await makeProduct(db(), { inventory: { onHand: 3 } });
      const { orderId, event } = await paidEvent(p.id);
      await injectProcessingFault(failures);

      const first = deliver(event);
      await firstDeliveryStalled();
      const duplicate = await deliver(event);
      const firstResult = await first;

      expect(firstResult.status).toBe(500); // failed and rolled back: Stripe must deliver again
      const afterDuplicate = await eventRow(event.id as string);
      if (duplicate.status < 300) {
        // Only because the duplicate itself did the work, after the first one rolled back.
        expect(duplicate.body).toEqual({ received: true, duplicate: false });
        expect(afterDuplicate?.status).toBe('processed');
        expect((await orderOf(db(), orderId)).order.status).toBe('paid');
      } else {
        expect(afterDuplicate?.status).not.toBe('processed');
        expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
      }
      expect(duplicate.status).toBe(failures === 1 ? 200 : 500);

      // Stripe's later retry: the event ends processed exactly once, whatever happened before.
      const retry = await deliver(event);
      expect(retry.status).toBe(200);
      expect(retry.body.duplicate).toBe(failures === 1);
      expect((await eventRow(event.id as string))?.status).toBe('processed');
      const { order, reservations, emails } = await orderOf(db(), orderId);
      expect(order.status).toBe('paid');
      expect(reservations.map((r) => r.status)).toEqual(['converted']);
      expect(emails.map((e) => e.kind).sort()).toEqual(['order_confirmation', 'shop_notification']);
      expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
    });
  }
});

describe('Stripe webhook: a duplicate that waited too long', () => {
  it('answers 409 EVENT_IN_PROGRESS with Retry-After (Stripe retries) when the first delivery outlasts the wait', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, event } = await paidEvent(p.id);
    await injectProcessingFault(1, { seconds: 6, thenFail: false }); // slow, then succeeds

    const first = deliver(event);
    await firstDeliveryStalled();
    const duplicate = await deliver(event);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('EVENT_IN_PROGRESS');
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await first).body).toEqual({ received: true, duplicate: false });

    expect((await deliver(event)).body).toEqual({ received: true, duplicate: true });
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
    expect((await eventRow(event.id as string))?.status).toBe('processed');
  });
});

describe('Stripe webhook: malformed event identity (issue 11 item 3)', () => {
  const count = async () =>
    Number((await sql(h.app, 'select count(*)::int as n from stripe_webhook_events'))[0]!.n);

  it('answers 400 in the error shape, storing nothing, for an event id with a NUL byte or of 10,000 characters', async () => {
    const before = await count();
    const base = h.stripe.event('payment_intent.created', { id: 'pi_x', object: 'payment_intent' });
    for (const id of ['evt_a\u0000b', `evt_${'x'.repeat(10_000)}`, '', 'evt with space']) {
      const res = await deliver({ ...base, id });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
      expect(res.body.error.details).toEqual({ field: 'id' });
    }
    const badType = await deliver({ ...base, type: 'payment_intent.\u0000created' });
    expect(badType.status).toBe(400);
    expect(badType.body.error.details).toEqual({ field: 'type' });
    expect(await count()).toBe(before);
  });

  it('records an event whose object carries NUL bytes without storing them (200, not 500)', async () => {
    const event = h.stripe.event('payment_intent.created', {
      id: 'pi_\u0000x',
      object: 'payment_intent',
      status: 'x'.repeat(10_000),
      metadata: { orderId: 'a\u0000b', orderPublicId: 'PBX-\u0000' },
    });
    const res = await deliver(event);
    expect(res.status).toBe(200);
    const row = await eventRow(event.id as string);
    expect(row?.status).toBe('processed');
    expect(row?.payload).toMatchObject({ objectId: null, orderId: null, orderPublicId: null, status: null });
  });
});
