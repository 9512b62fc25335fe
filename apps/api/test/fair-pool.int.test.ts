import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { stripePayments } from '@popbox/domain';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from './support/test-app.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { paidCheckout, postWebhook, sql } from './support/checkout.js';
import { json, type Json } from './support/http.js';

/**
 * Issue 11: "an exhausted pool is a 503 with Retry-After, never a 500" and "expensive public reads must
 * not starve checkout and the webhook" — with a deliberately small pool.
 */

describe('an exhausted pool answers 503 with Retry-After on every surface, never 500', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ pool: { max: 1, connectionTimeoutMillis: 300 } });
  });
  afterAll(() => app?.close());

  const expect503 = (res: Response, body: Json, errorCode: string | undefined) => {
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(errorCode).toBe('DEPENDENCY_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/timeout|stack/i);
  };

  it('REST, tRPC (public query, mutation, admin) and the plain webhook route', async () => {
    const token = await app.adminToken();
    const held = await app.database.pool.connect(); // the pool's only connection
    try {
      const rest = await fetch(`${app.url}/api/v1/tags`);
      const restBody = await json(rest);
      expect503(rest, restBody, restBody.error.code);

      const query = await fetch(`${app.url}/api/trpc/public.catalog.listTags`);
      const queryBody = await json(query);
      expect503(query, queryBody, queryBody.error.data.errorCode);

      const mutation = await fetch(`${app.url}/api/trpc/public.contact.submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          firstName: 'Aiko',
          email: 'aiko@example.com',
          inquiryType: 'general',
          message: 'Do you restock the fox plush?',
        }),
      });
      const mutationBody = await json(mutation);
      expect503(mutation, mutationBody, mutationBody.error.data.errorCode);

      const admin = await fetch(`${app.url}/api/v1/admin/orders`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const adminBody = await json(admin);
      expect503(admin, adminBody, adminBody.error.code);

      const hook = await postWebhook(app, {
        id: 'evt_pool_exhausted',
        object: 'event',
        type: 'customer.created',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        data: { object: { id: 'cus_1', object: 'customer' } },
      });
      const hookBody = await json(hook);
      expect503(hook, hookBody, hookBody.error.code);
    } finally {
      held.release();
    }
    expect((await fetch(`${app.url}/api/v1/tags`)).status).toBe(200);
  });
});

const HOME_BATCH = `/api/trpc/${Array(10).fill('public.catalog.home').join(',')}?batch=1&input=%7B%7D`;

describe('a flood of public reads cannot starve checkout and the webhook', () => {
  let app: TestApp;
  let stripe: FakeStripe;
  beforeAll(async () => {
    // 4 connections, reads gated to 1 at a time (≤ 3 connections): one is always free for the buyers.
    stripe = await startFakeStripe();
    app = await startTestApp({
      pool: { max: 4, connectionTimeoutMillis: 1_500 },
      deps: {
        payments: stripePayments({
          secretKey: stripe.secretKey,
          webhookSecret: TEST_WEBHOOK_SECRET,
          apiBase: stripe.url,
        }),
      },
      app: { publicReads: { concurrency: 1, queue: 16, maxWaitMs: 1_000 } },
    });
  });
  afterAll(async () => {
    await app?.close();
    await stripe?.close();
  });

  it('pays every checkout (session + signed webhook) during the flood, and no answer is a 500', async () => {
    const product = await makeProduct(app.deps.db, { inventory: { onHand: 100 } });
    const statuses: number[] = [];
    const read = async (path: string) => {
      const res = await fetch(`${app.url}${path}`);
      const body = await json(res);
      const calls: Json[] = Array.isArray(body) ? body : [body];
      for (const call of calls) {
        const status: number = call.error ? (call.error.data?.httpStatus ?? call.error.status) : 200;
        statuses.push(status);
        if (status === 503) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    };
    // What starves the buyers is the pool's FIFO queue: without the gate it holds hundreds of reads' queries.
    let deepestPoolQueue = 0;
    const sampler = setInterval(() => {
      deepestPoolQueue = Math.max(deepestPoolQueue, app.database.pool.waitingCount);
    }, 1);
    const flood = Promise.all([
      ...Array.from({ length: 40 }, () => read(HOME_BATCH)),
      ...Array.from({ length: 40 }, () => read('/api/v1/home')),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the flood is queued before the buyers come

    const started = performance.now();
    const paid = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const t0 = performance.now();
        const result = await paidCheckout({ app, stripe, close: async () => {} }, [
          { productId: product.id, quantity: 1 },
        ]);
        return { ...result, ms: performance.now() - t0 };
      }),
    );
    const checkoutsMs = performance.now() - started;
    await flood;
    clearInterval(sampler);

    const orders = await sql(app, `select status from orders where id = any($1)`, [
      paid.map((p) => p.orderId),
    ]);
    expect(orders.map((o) => o.status)).toEqual(Array(5).fill('paid'));
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200); // the gate serves reads, it does not just refuse them
    // Reads hold at most 3 connections at a time; what waits for one is the buyers' and at most 3 reads'.
    expect(deepestPoolQueue).toBeLessThan(15);
    if (process.env.FLOOD_FIGURES) {
      const count = (s: number) => statuses.filter((x) => x === s).length;
      console.log(
        `[flood] 5 paid checkouts in ${checkoutsMs.toFixed(0)} ms (slowest ${Math.max(...paid.map((p) => p.ms)).toFixed(0)} ms);` +
          ` reads: ${count(200)} × 200, ${count(503)} × 503; deepest pool queue ${deepestPoolQueue}`,
      );
    }
  });
});
