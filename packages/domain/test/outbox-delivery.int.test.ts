import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createDb, emailOutbox, orders } from '@popbox/db';
import { createTestDatabase, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  deliverOutbox,
  deliverOutboxBatch,
  enqueueEmail,
  fixedClock,
  resendEmailSender,
  silentLogger,
  systemRandom,
  type OutboxDeliveryDeps,
  type OutgoingEmail,
} from '../src/index.js';
import { startFakeResend, type FakeResend } from '../src/testing/index.js';

let database: TestDatabase;
let resend: FakeResend;
const clock = fixedClock(new Date());
let deps: OutboxDeliveryDeps;
const opts = {
  fromEmail: 'shop@popbox.test',
  batchSize: 10,
  leaseMs: 120_000,
  backoff: { baseMs: 30_000, maxMs: 3_600_000 },
};

beforeAll(async () => {
  database = await createTestDatabase();
  resend = await startFakeResend();
  deps = {
    db: database.db,
    clock,
    random: systemRandom,
    logger: silentLogger,
    emailSender: resendEmailSender({ apiKey: 're_test_key', baseUrl: resend.url }),
  };
});
afterAll(async () => {
  await resend?.close();
  await database?.close();
});
beforeEach(async () => {
  // Rows get next_attempt_at = now() from the database default: the test clock starts just after that.
  clock.set(new Date(Date.now() + 60_000));
  await database.db.delete(emailOutbox);
  resend.requests.length = 0;
  resend.respond(() => ({ status: 200 }));
});

async function enqueue(email: Partial<OutgoingEmail> = {}) {
  await enqueueEmail(database.db, {
    kind: 'refund',
    to: 'buyer@popbox.test',
    subject: 'Your refund',
    html: '<p>Refunded</p>',
    text: 'Refunded',
    ...email,
  });
  const [row] = await database.db
    .select()
    .from(emailOutbox)
    .orderBy(sql`${emailOutbox.createdAt} desc`)
    .limit(1);
  return row!;
}

const load = async (id: string) =>
  (await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;
const requestsFor = (id: string) => resend.requests.filter((r) => r.idempotencyKey === id);

describe('email outbox delivery (F7) through the resend SDK', () => {
  it('sends the message with the shop sender, both bodies and the row id as idempotency key', async () => {
    const email = await enqueue({ replyTo: 'someone@popbox.test' });
    const result = await deliverOutboxBatch(deps, opts);
    expect(result).toMatchObject({ claimed: 1, sent: 1 });
    const [request] = requestsFor(email.id);
    expect(request).toMatchObject({
      authorization: 'Bearer re_test_key',
      body: {
        from: 'PopBox Studio <shop@popbox.test>',
        to: 'buyer@popbox.test',
        reply_to: 'someone@popbox.test',
        subject: 'Your refund',
        html: '<p>Refunded</p>',
        text: 'Refunded',
      },
    });
    const row = await load(email.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, lockedUntil: null });
    expect(row.providerMessageId).toMatch(/^re_fake_/);
    expect(row.sentAt?.toISOString()).toBe(clock.now().toISOString());
  });

  it('delivers a message exactly once after the provider was down for the first attempts', async () => {
    const { order } = await makeOrder(database.db);
    const email = await enqueue({ kind: 'order_confirmation', orderId: order.id });
    resend.respond((r) => (r.attempt <= 2 ? { status: 500 } : { status: 200 }));
    const start = clock.now().getTime();

    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 1, retried: 1 });
    let row = await load(email.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.lastError).toMatch(/500/);
    // 30 s ± 20 % jitter
    expect(row.nextAttemptAt.getTime() - start).toBeGreaterThanOrEqual(24_000);
    expect(row.nextAttemptAt.getTime() - start).toBeLessThanOrEqual(36_000);
    let marked = (await database.db.select().from(orders).where(eq(orders.id, order.id)))[0]!;
    expect(marked.confirmationEmailError).toMatch(/500/);
    expect(marked.confirmationEmailSentAt).toBeNull();

    // Not due yet: nothing is claimed.
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 0 });

    clock.advance(40_000);
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ retried: 1 });
    row = await load(email.id);
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(48_000);
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(72_000);

    clock.advance(80_000);
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ sent: 1 });
    clock.advance(3_600_000);
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 0 });

    row = await load(email.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(requestsFor(email.id)).toHaveLength(3);
    expect(resend.delivered.get(email.id)).toBe(1);
    marked = (await database.db.select().from(orders).where(eq(orders.id, order.id)))[0]!;
    expect(marked.confirmationEmailSentAt?.toISOString()).toBe(row.sentAt?.toISOString());
    expect(marked.confirmationEmailError).toBeNull();
  });

  it('treats a dropped connection as retryable', async () => {
    const email = await enqueue();
    resend.respond(() => 'drop');
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ retried: 1 });
    expect(await load(email.id)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('fails at once on a validation error (permanent) and marks the shop notification', async () => {
    const { order } = await makeOrder(database.db);
    const email = await enqueue({ kind: 'shop_notification', orderId: order.id, to: 'not-an-address' });
    resend.respond(() => ({
      status: 422,
      body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' },
    }));
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ failed: 1 });
    const row = await load(email.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/validation_error/);
    clock.advance(86_400_000);
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 0 });
    const marked = (await database.db.select().from(orders).where(eq(orders.id, order.id)))[0]!;
    expect(marked.orderNotificationError).toMatch(/validation_error/);
    expect(marked.orderNotificationSentAt).toBeNull();
  });

  it('gives up with `failed` after the configured number of attempts', async () => {
    const email = await enqueue({ maxAttempts: 3 });
    resend.respond(() => ({ status: 503 }));
    for (let i = 0; i < 5; i++) {
      await deliverOutboxBatch(deps, opts);
      clock.advance(3_600_000);
    }
    const row = await load(email.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.lastError).toMatch(/503/);
    expect(requestsFor(email.id)).toHaveLength(3);
  });

  it('takes over a crashed claim once its lease lapsed, with the same idempotency key', async () => {
    const crashed = await enqueue({ subject: 'crashed' });
    const busy = await enqueue({ subject: 'still being sent' });
    const now = clock.now().getTime();
    await database.db
      .update(emailOutbox)
      .set({ status: 'sending', attempts: 1, lockedUntil: new Date(now - 1000) })
      .where(eq(emailOutbox.id, crashed.id));
    await database.db
      .update(emailOutbox)
      .set({ status: 'sending', attempts: 1, lockedUntil: new Date(now + 60_000) })
      .where(eq(emailOutbox.id, busy.id));

    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await load(crashed.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await load(busy.id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(requestsFor(crashed.id)).toHaveLength(1);
    expect(requestsFor(busy.id)).toHaveLength(0);
  });

  it('closes a lapsed claim that had used its last attempt as failed, without sending', async () => {
    const email = await enqueue({ maxAttempts: 2 });
    await database.db
      .update(emailOutbox)
      .set({ status: 'sending', attempts: 2, lockedUntil: new Date(clock.now().getTime() - 1) })
      .where(eq(emailOutbox.id, email.id));
    expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 0 });
    const row = await load(email.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row.lastError).toMatch(/lapsed/);
    expect(requestsFor(email.id)).toHaveLength(0);
  });

  describe('order of the messages of one order (issue 15)', () => {
    /** Two messages of one order written in ONE transaction (same created_at), plus one of another order. */
    async function confirmationThenRefund() {
      const { order } = await makeOrder(database.db);
      const { order: other } = await makeOrder(database.db);
      await database.db.transaction(async (tx) => {
        const base = { to: 'buyer@popbox.test', html: '<p>x</p>', text: 'x' };
        await enqueueEmail(tx, {
          ...base,
          kind: 'order_confirmation',
          subject: 'Order confirmed',
          orderId: order.id,
        });
        await enqueueEmail(tx, { ...base, kind: 'refund', subject: 'Partial refund', orderId: order.id });
        await enqueueEmail(tx, { ...base, kind: 'refund', subject: 'Other order', orderId: other.id });
      });
      return order;
    }
    const subjects = () => resend.requests.map((r) => r.body.subject);

    it('one run delivers them in the order they were written', async () => {
      await confirmationThenRefund();
      const run = await deliverOutbox(deps, { ...opts, maxBatches: 10 });
      expect(run.sent).toBe(3);
      const mine = subjects().filter((s) => s !== 'Other order');
      expect(mine).toEqual(['Order confirmed', 'Partial refund']);
    });

    it('a later message waits while an earlier one is retried, and goes once it is sent', async () => {
      await confirmationThenRefund();
      resend.respond((r) =>
        r.body.subject === 'Order confirmed' && r.attempt === 1 ? { status: 500 } : { status: 200 },
      );
      // First pass: the confirmation fails for now; the refund of the same order is not claimed, the
      // other order's message is.
      expect(await deliverOutboxBatch(deps, opts)).toMatchObject({ claimed: 2, retried: 1, sent: 1 });
      expect(await deliverOutbox(deps, { ...opts, maxBatches: 10 })).toMatchObject({ sent: 0 });
      expect(subjects()).not.toContain('Partial refund');
      clock.advance(60_000);
      await deliverOutbox(deps, { ...opts, maxBatches: 10 });
      expect(subjects().filter((s) => s !== 'Other order')).toEqual([
        'Order confirmed',
        'Order confirmed',
        'Partial refund',
      ]);
    });

    it('a message that failed for good no longer holds back the next one', async () => {
      await confirmationThenRefund();
      resend.respond((r) =>
        r.body.subject === 'Order confirmed'
          ? {
              status: 422,
              body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' },
            }
          : { status: 200 },
      );
      const run = await deliverOutbox(deps, { ...opts, maxBatches: 10 });
      expect(run).toMatchObject({ failed: 1, sent: 2 });
      expect(subjects().filter((s) => s !== 'Other order')).toEqual(['Order confirmed', 'Partial refund']);
    });
  });

  it('sends each of 200 queued emails exactly once with four workers delivering concurrently', async () => {
    for (let i = 0; i < 200; i++) {
      await enqueueEmail(database.db, {
        kind: 'refund',
        to: `buyer-${i}@popbox.test`,
        subject: `Refund ${i}`,
        html: `<p>${i}</p>`,
        text: `${i}`,
      });
    }
    // Each worker has its own connection pool, as separate jobs processes would.
    const pools = Array.from({ length: 4 }, () => createDb(database.url, { max: 3 }));
    try {
      const results = await Promise.all(
        pools.map((pool) =>
          deliverOutbox({ ...deps, db: pool.db }, { ...opts, batchSize: 5, maxBatches: 100 }),
        ),
      );
      const sent = results.map((r) => r.sent);
      expect(sent.reduce((a, b) => a + b, 0)).toBe(200);
      expect(sent.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const counts = await database.db
      .select({ status: emailOutbox.status, n: sql<number>`count(*)::int` })
      .from(emailOutbox)
      .groupBy(emailOutbox.status);
    expect(counts).toEqual([{ status: 'sent', n: 200 }]);
    expect(resend.requests).toHaveLength(200);
    expect(new Set(resend.requests.map((r) => r.idempotencyKey)).size).toBe(200);
    expect([...resend.delivered.values()].every((n) => n === 1)).toBe(true);
  });
});
