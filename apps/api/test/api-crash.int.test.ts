import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeProduct, makeUser, type TestDatabase } from '@popbox/db/testing';
import {
  expirePendingOrders,
  fixedClock,
  getReconciliationReport,
  RESERVATION_TTL_MS,
  signDevToken,
  stripePayments,
  systemClock,
} from '@popbox/domain';
import { json, type Json } from './support/http.js';
import { inventoryOf, postCheckout, postWebhook } from './support/checkout.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { freePort, startAppProcess, waitForReady, type AppProcess } from './support/processes.js';
import { TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from './support/test-app.js';

/**
 * A real API process (the same entry point `pnpm dev` runs) is SIGKILLed in the middle of a burst of
 * checkouts and payments, then restarted on the same database. Whatever the kill cut off — a checkout between
 * its commit and the Stripe call, an answer never sent, a webhook half-processed — money and stock stay exact:
 * the reconciliation report is clean, every order is paid, pending or expired, every payment taken at Stripe
 * ends as a paid order once Stripe retries its webhook, and every unit not sold goes back on sale.
 */
const STOCK = 40;
const BURST = 50;
const KILL_AFTER = 12;
const CONCURRENCY = 10;
const AFTER_RESTART = 12;

let database: TestDatabase;
let stripe: FakeStripe;
let storageDir: string;
let port: number;
const processes: AppProcess[] = [];

async function startApi(): Promise<AppProcess> {
  const proc = startAppProcess(`api-${processes.length + 1}`, 'api', {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: database.url,
    RATE_LIMITS: 'off',
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    DEV_JWT_SECRET: TEST_JWT_SECRET,
    STORAGE_DIR: storageDir,
  });
  processes.push(proc);
  await waitForReady(api.url, proc);
  return proc;
}

const api = { url: '' };

beforeAll(async () => {
  database = await createTestDatabase();
  stripe = await startFakeStripe();
  storageDir = await mkdtemp(join(tmpdir(), 'popbox-api-crash-'));
  port = await freePort();
  api.url = `http://127.0.0.1:${port}`;
  await startApi();
}, 200_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await stripe?.close();
  await database?.close();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const rows = async (text: string, params: unknown[] = []) =>
  (await database.pool.query(text, params)).rows as Array<Record<string, unknown>>;

/** Runs `count` tasks, `concurrency` at a time. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

type Outcome = 'paid' | 'unpaid' | 'out-of-stock' | 'lost';

describe('the API process killed (SIGKILL) in the middle of a burst of checkouts and payments', () => {
  it('restarts with money and stock exact: reconciliation clean, every order paid, pending or expired', async () => {
    const t0 = performance.now();
    const p = await makeProduct(database.db, { inventory: { onHand: STOCK } });
    const first = processes[0]!;
    const firstExit = first.exited;
    let created = 0;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let lostWebhooks = 0;

    /** Best effort of a buyer: a request that the dead process never answers is given up. */
    const attempt = async <T>(request: () => Promise<T>): Promise<T | undefined> => {
      inFlight++;
      try {
        return await request();
      } catch {
        return undefined;
      } finally {
        inFlight--;
      }
    };

    const buyer = async (i: number, killAt?: number): Promise<Outcome> => {
      const answer = await attempt(async () => {
        const res = await postCheckout(api, { items: [{ productId: p.id, quantity: 1 + (i % 3) }] });
        return { status: res.status, body: (await json(res)) as Json };
      });
      if (!answer) return 'lost';
      if (answer.status === 409) {
        expect(answer.body.error.code).toBe('OUT_OF_STOCK');
        return 'out-of-stock';
      }
      expect(answer.status).toBe(201);
      created++;
      if (created === killAt) {
        inFlightAtKill = inFlight;
        first.child.kill('SIGKILL');
      }
      if (i % 4 === 3) return 'unpaid'; // walks away from the payment page
      const session = stripe.complete(answer.body.sessionId as string);
      const hook = await attempt(async () => {
        const res = await postWebhook(api, stripe.event('checkout.session.completed', session));
        await res.arrayBuffer();
        return res.status;
      });
      if (hook === undefined) lostWebhooks++;
      else expect(hook).toBe(200);
      return 'paid';
    };

    // 1. The burst; the process dies when the KILL_AFTER-th checkout is answered, with others in flight.
    const burst = await pool(BURST, CONCURRENCY, (i) => buyer(i, KILL_AFTER));
    expect(await firstExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(inFlightAtKill).toBeGreaterThan(0);
    const lostBuyers = burst.filter((o) => o === 'lost').length;
    expect(lostBuyers).toBeGreaterThan(0);

    // 2. Restart on the same database; Stripe retries every payment's webhook until it gets a 200.
    await startApi();
    const completed = [...stripe.sessions.values()].filter((s) => s.status === 'complete');
    for (const session of completed) {
      const res = await postWebhook(api, stripe.event('checkout.session.completed', session));
      expect(res.status).toBe(200);
    }
    // The shop sells on as before.
    const after = await pool(AFTER_RESTART, 4, (i) => buyer(i));
    expect(after).not.toContain('lost');

    // 3. Money and stock exact.
    const admin = await makeUser(database.db, { id: randomUUID(), role: 'admin' });
    const token = await signDevToken({ secret: TEST_JWT_SECRET, subject: admin.id });
    const report = await fetch(`${api.url}/api/v1/admin/reconciliation`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(report.status).toBe(200);
    expect(await json(report)).toMatchObject({ clean: true, items: [] });

    const orders = await rows(
      `SELECT o.id, o.status::text AS status, o.stripe_checkout_session_id AS session, o.total_cents AS total,
              pay.status::text AS payment, pay.amount_cents AS amount,
              (SELECT sum(quantity)::int FROM order_items i WHERE i.order_id = o.id) AS units
       FROM orders o LEFT JOIN payments pay ON pay.order_id = o.id`,
    );
    for (const o of orders) expect(['paid', 'pending_payment', 'expired']).toContain(o.status);
    const paidAtStripe = [...stripe.sessions.values()].filter((s) => s.status === 'complete');
    const paidOrders = orders.filter((o) => o.status === 'paid');
    // Every payment taken ends as exactly one paid order of its amount, and no order is paid without one.
    expect(paidOrders.map((o) => o.session).sort()).toEqual(paidAtStripe.map((s) => s.id).sort());
    for (const o of paidOrders) {
      const session = stripe.sessions.get(o.session as string)!;
      expect(o).toMatchObject({ payment: 'paid', amount: session.amount_total, total: session.amount_total });
    }
    const units = (status: string) =>
      orders.filter((o) => o.status === status).reduce((sum, o) => sum + (o.units as number), 0);
    const soldUnits = units('paid');
    expect(await inventoryOf(database.db, p.id)).toMatchObject({
      onHand: STOCK - soldUnits,
      reserved: units('pending_payment'),
    });

    // 4. Ten minutes later the sweep releases every unpaid hold (including any the kill orphaned).
    const later = fixedClock(new Date(Date.now() + RESERVATION_TTL_MS + 60_000));
    await expirePendingOrders(
      {
        db: database.db,
        clock: later,
        logger: pino({ level: 'silent' }),
        payments: stripePayments({ secretKey: stripe.secretKey, apiBase: stripe.url }),
      },
      { batchSize: 100, maxBatches: 10 },
    );
    const final = await rows(`SELECT status::text AS status, count(*)::int AS n FROM orders GROUP BY 1`);
    expect(final.map((r) => r.status).sort()).toEqual(
      final.some((r) => r.status === 'expired') ? ['expired', 'paid'] : ['paid'],
    );
    expect(await inventoryOf(database.db, p.id)).toMatchObject({ onHand: STOCK - soldUnits, reserved: 0 });
    expect((await getReconciliationReport({ db: database.db, clock: systemClock })).clean).toBe(true);

    const count = (status: string) => orders.filter((o) => o.status === status).length;
    const orphaned = orders.filter((o) => o.status === 'pending_payment' && !o.session).length;
    console.info(
      `[api-crash] killed after ${KILL_AFTER} checkouts with ${inFlightAtKill} requests in flight; ` +
        `${lostBuyers} buyers lost, ${lostWebhooks} payment webhooks lost then redelivered; ` +
        `${orders.length} orders: ${count('paid')} paid (${soldUnits} units sold of ${STOCK}), ` +
        `${count('pending_payment')} pending (${orphaned} without a payment session) → expired; ` +
        `${Math.round(performance.now() - t0)} ms`,
    );
  }, 200_000);
});
