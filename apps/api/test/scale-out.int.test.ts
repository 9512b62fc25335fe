import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeProduct, makeUser, type TestDatabase } from '@popbox/db/testing';
import { getReconciliationReport, PG_BOSS_SCHEMA, signDevToken, systemClock } from '@popbox/domain';
import { json, type Json } from './support/http.js';
import { inventoryOf, orderOf, postCheckout, postWebhook, shuffle } from './support/checkout.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { findPgBouncer, startPgBouncer, type PgBouncer } from './support/pgbouncer.js';
import {
  freePort,
  queueJobRuns,
  startAppProcess,
  until,
  waitForJobsWorker,
  waitForReady,
  type AppProcess,
} from './support/processes.js';
import { TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from './support/test-app.js';

/**
 * Scale-out as production runs it: two API processes and two jobs processes on one database, one API (and one
 * jobs process's domain pool) through PgBouncer in transaction pooling mode, as Supabase's pooler would be;
 * pg-boss and migrations keep a direct connection. The money-path storms of the single-process suites run
 * across them and must end exactly as they do on one process.
 */
const PGBOUNCER = findPgBouncer();
if (!PGBOUNCER) {
  console.warn(
    '[scale-out] SKIPPED: pgbouncer was not found (/usr/sbin/pgbouncer; `apt-get install pgbouncer`, which ' +
      '.ci/run does as root, or set PGBOUNCER_BIN)',
  );
}

const STOCK = 10;
const BUYERS = 80;
const PAID = 7;
const COPIES = 3;

interface Api extends AppProcess {
  url: string;
}

let database: TestDatabase;
let stripe: FakeStripe;
let bouncer: PgBouncer | undefined;
let storageDir: string;
const apis: Api[] = [];
const jobs: AppProcess[] = [];

async function startApi(name: string, databaseUrl: string): Promise<Api> {
  const port = await freePort();
  const proc = startAppProcess(name, 'api', {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    // As the README asks behind a pooler: the direct URL for LISTEN (and prepared statements stay off).
    DATABASE_DIRECT_URL: database.url,
    RATE_LIMITS: 'off', // 80 buyers from 127.0.0.1 are a load test, not an attack
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    DEV_JWT_SECRET: TEST_JWT_SECRET,
    STORAGE_DIR: storageDir,
  });
  const api = Object.assign(proc, { url: `http://127.0.0.1:${port}` });
  apis.push(api);
  await waitForReady(api.url, api);
  return api;
}

function startJobs(name: string, databaseUrl: string): AppProcess {
  const proc = startAppProcess(name, 'jobs', {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    DATABASE_DIRECT_URL: database.url,
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
  });
  jobs.push(proc);
  return proc;
}

beforeAll(async () => {
  if (!PGBOUNCER) return;
  database = await createTestDatabase();
  stripe = await startFakeStripe();
  storageDir = await mkdtemp(join(tmpdir(), 'popbox-scale-out-'));
  bouncer = await startPgBouncer(PGBOUNCER, database.url);
  // All four boot together; the jobs' start-up runs find nothing to do yet (the test queues runs later).
  const workers = [startJobs('jobs-direct', database.url), startJobs('jobs-pooled', bouncer.url)];
  await Promise.all([
    startApi('api-direct', database.url),
    startApi('api-pooled', bouncer.url),
    ...workers.map((w) => waitForJobsWorker(w)),
  ]);
}, 200_000);

afterAll(async () => {
  await Promise.all([...apis, ...jobs].map((p) => p.stop('SIGKILL')));
  await bouncer?.close();
  await stripe?.close();
  await database?.close();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = async (text: string, params: unknown[] = []) =>
  (await database.pool.query(text, params)).rows as Array<Record<string, unknown>>;

/** Delivers like Stripe: an answer that asks for a retry (409/503 + Retry-After) is retried. */
async function deliver(api: Api, event: unknown): Promise<{ status: number; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    const res = await postWebhook(api, event);
    await res.arrayBuffer();
    if (res.status === 200 || ![409, 503].includes(res.status) || attempts >= 20)
      return { status: res.status, attempts };
    await sleep(Number(res.headers.get('retry-after') ?? 0) * 1000 || 200);
  }
}

/** An admin REST call; a 409 with Retry-After (in flight, order busy) is retried as a client would. */
async function adminCall(api: Api, token: string, path: string, body: unknown, key: string) {
  for (let attempts = 1; ; attempts++) {
    const res = await fetch(`${api.url}/api/v1${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    const answer = { status: res.status, body: (await json(res)) as Json, attempts };
    if (res.status !== 409 || !res.headers.get('retry-after') || attempts >= 20) return answer;
    await sleep(Number(res.headers.get('retry-after')) * 1000);
  }
}

describe('two API and two jobs processes on one database, one of each through PgBouncer (transaction pooling)', () => {
  it.skipIf(!PGBOUNCER)(
    'sells exactly the stock, applies shuffled duplicate webhooks once, refunds once, expires the rest, and leaves no advisory lock',
    async () => {
      const t0 = performance.now();
      const [direct, pooled] = apis as [Api, Api];
      const db = database.db;

      // 1. The last-unit storm, split across both APIs.
      const p = await makeProduct(db, { inventory: { onHand: STOCK } });
      const answers = await Promise.all(
        Array.from({ length: BUYERS }, async (_, i) => {
          const api = apis[i % 2]!;
          const res = await postCheckout(api, { items: [{ productId: p.id, quantity: 1 }] });
          return { api: api.name, status: res.status, body: (await json(res)) as Json };
        }),
      );
      const won = answers.filter((a) => a.status === 201);
      expect(won).toHaveLength(STOCK);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(BUYERS - STOCK);
      for (const a of answers.filter((a) => a.status === 409)) expect(a.body.error.code).toBe('OUT_OF_STOCK');
      expect(new Set(won.map((a) => a.body.sessionId)).size).toBe(STOCK);
      expect(await inventoryOf(db, p.id)).toMatchObject({ onHand: STOCK, reserved: STOCK });
      const stormMs = performance.now() - t0;

      // 2. Buyers pay; every event of every payment arrives COPIES times, shuffled, split across both APIs.
      const paid = won.slice(0, PAID).map((a) => a.body as { orderId: string; sessionId: string });
      const unpaid = won.slice(PAID).map((a) => a.body as { orderId: string; sessionId: string });
      const events = paid.flatMap(({ sessionId }) => {
        const session = stripe.complete(sessionId);
        const intent = session.payment_intent as string;
        return [
          stripe.event('checkout.session.completed', session),
          stripe.event('payment_intent.succeeded', { id: intent, object: 'payment_intent' }),
          stripe.event('charge.succeeded', { id: `ch_${intent}`, object: 'charge', payment_intent: intent }),
        ];
      });
      const deliveries = shuffle(events.flatMap((e) => Array.from({ length: COPIES }, () => e)));
      const delivered = await Promise.all(deliveries.map((e, i) => deliver(apis[i % 2]!, e)));
      expect(delivered.every((d) => d.status === 200)).toBe(true);
      expect(
        await rows(`SELECT status, count(*)::int AS n FROM stripe_webhook_events GROUP BY status`),
      ).toEqual([{ status: 'processed', n: events.length }]);
      for (const { orderId } of paid) {
        const state = await orderOf(db, orderId);
        expect(state.order.status).toBe('paid');
        expect(state.payment.status).toBe('paid');
        expect(state.reservations.map((r) => r.status)).toEqual(['converted']);
        expect(state.emails.map((e) => e.kind).sort()).toEqual(['order_confirmation', 'shop_notification']);
      }
      expect(await inventoryOf(db, p.id)).toMatchObject({ onHand: STOCK - PAID, reserved: STOCK - PAID });

      // 3. A full refund, one Idempotency-Key sent twice to each API at once; Stripe's webhook to both.
      const admin = await makeUser(db, { id: randomUUID(), role: 'admin' });
      const token = await signDevToken({ secret: TEST_JWT_SECRET, subject: admin.id });
      const refunded = paid[0]!;
      const key = randomUUID();
      const refunds = await Promise.all(
        [direct, pooled, direct, pooled].map((api) =>
          adminCall(api, token, `/admin/orders/${refunded.orderId}/refund`, {}, key),
        ),
      );
      for (const r of refunds) expect(r).toMatchObject({ status: 200, body: { status: 'refunded' } });
      const stripeRefunds = [...stripe.refunds.values()];
      expect(stripeRefunds).toHaveLength(1);
      const charge = {
        id: stripeRefunds[0]!.charge,
        object: 'charge',
        payment_intent: stripeRefunds[0]!.payment_intent,
        amount_refunded: stripeRefunds[0]!.amount,
      };
      const refundEvent = stripe.event('charge.refunded', charge);
      const refundHooks = await Promise.all(
        [direct, pooled, pooled, direct].map((api) => deliver(api, refundEvent)),
      );
      expect(refundHooks.every((d) => d.status === 200)).toBe(true);
      const afterRefund = await orderOf(db, refunded.orderId);
      expect(afterRefund.order.status).toBe('refunded');
      expect(afterRefund.payment).toMatchObject({
        status: 'refunded',
        refundedAmountCents: afterRefund.order.totalCents,
      });
      expect(
        await rows(`SELECT 1 FROM payment_refunds WHERE order_id = $1`, [refunded.orderId]),
      ).toHaveLength(1);
      expect(afterRefund.emails.filter((e) => e.kind === 'refund')).toHaveLength(1);

      // 4. The unpaid holds lapse; the two jobs processes (one through the pooler) sweep them and send the mail.
      await rows(
        `UPDATE inventory_reservations SET expires_at = now() - interval '1 minute' WHERE order_id = ANY($1::uuid[])`,
        [unpaid.map((u) => u.orderId)],
      );
      const jobsStarted = performance.now();
      // Two runs of each, so both workers may take one; running concurrently must change nothing.
      await queueJobRuns(database.url, PG_BOSS_SCHEMA, [
        'expire-pending-orders',
        'expire-pending-orders',
        'deliver-email-outbox',
        'deliver-email-outbox',
      ]);
      await until(
        async () => {
          const [left] = await rows(
            `SELECT (SELECT count(*)::int FROM orders WHERE status = 'pending_payment') AS pending,
                    (SELECT count(*)::int FROM email_outbox WHERE status <> 'sent') AS unsent`,
          );
          for (const j of jobs)
            if (j.child.exitCode !== null) throw new Error(`${j.name} exited:\n${j.output()}`);
          // Sessions are closed at Stripe after the sweep's commit.
          const closed = unpaid.every((u) => stripe.sessions.get(u.sessionId)!.status === 'expired');
          return left!.pending === 0 && left!.unsent === 0 && closed ? true : undefined;
        },
        90_000,
        200,
      );
      const jobsMs = performance.now() - jobsStarted;
      for (const { sessionId } of unpaid) {
        expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
        const closes = stripe.calls.filter((c) => c.path === `/v1/checkout/sessions/${sessionId}/expire`);
        expect(closes).toHaveLength(1);
      }
      expect(
        await rows(`SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status::text`),
      ).toEqual([
        { status: 'expired', n: STOCK - PAID },
        { status: 'paid', n: PAID - 1 },
        { status: 'refunded', n: 1 },
      ]);
      // Each message delivered once, by one of the two workers.
      const outbox = await rows(`SELECT status, attempts FROM email_outbox`);
      expect(outbox).toHaveLength(PAID * 2 + 1);
      expect(outbox.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
      expect(await inventoryOf(db, p.id)).toMatchObject({ onHand: STOCK - PAID, reserved: 0 });
      expect((await getReconciliationReport({ db, clock: systemClock })).clean).toBe(true);
      expect(await rows(`SELECT job_name FROM job_runs WHERE status = 'failed'`)).toEqual([]);

      // 5. Nothing left behind: both jobs processes stop cleanly, no advisory lock is held by any server
      //    connection (PgBouncer keeps its server connections open), no prepared-statement error anywhere.
      for (const j of jobs) expect(await j.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const locks = await rows(
        `SELECT l.pid, l.objid, l.granted FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = $1`,
        [database.name],
      );
      expect(locks).toEqual([]);
      for (const a of apis) expect(await a.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      for (const proc of [...apis, ...jobs])
        expect(proc.output(), proc.name).not.toMatch(/prepared statement/i);
      expect(bouncer!.output()).not.toMatch(/prepared statement/i);
      // The pooled API and jobs process really went through the pooler.
      expect(bouncer!.output()).toMatch(/login attempt/);

      const perApi = (name: string) => won.filter((a) => a.api === name).length;
      console.info(
        `[scale-out] ${BUYERS} buyers → ${STOCK} orders (${perApi('api-direct')} via direct API, ` +
          `${perApi('api-pooled')} via pooled API) in ${Math.round(stormMs)} ms; ${deliveries.length} webhook ` +
          `deliveries (${events.length} events, ${delivered.filter((d) => d.attempts > 1).length} retried); ` +
          `${PAID} paid, 1 refunded, ${STOCK - PAID} expired by the jobs; ${outbox.length} emails sent once; ` +
          `jobs sweep + delivery ${Math.round(jobsMs)} ms; total ${Math.round(performance.now() - t0)} ms`,
      );
    },
    150_000,
  );
});
