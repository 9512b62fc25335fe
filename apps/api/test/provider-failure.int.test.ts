import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { stripePayments } from '@popbox/domain';
import { json } from './support/http.js';
import { postCheckout, startCheckoutHarness, type CheckoutHarness } from './support/checkout.js';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from './support/test-app.js';

/**
 * Issue 11 item 10: a provider failure is a 502 UPSTREAM_FAILED whose message names the provider, on both
 * surfaces, never a bare "Bad gateway" and never the provider's own error text.
 */
const PAYMENT_PROVIDER_DOWN = 'The payment provider could not be reached; please try again';

let h: CheckoutHarness;
let unreachable: TestApp;
beforeAll(async () => {
  h = await startCheckoutHarness();
  // A Stripe base URL where nothing listens: every call is refused at the TCP level.
  const closedPort = await new Promise<number>((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
  unreachable = await startTestApp({
    deps: {
      payments: stripePayments({
        secretKey: 'sk_test_unreachable',
        webhookSecret: TEST_WEBHOOK_SECRET,
        apiBase: `http://127.0.0.1:${closedPort}`,
      }),
    },
  });
});
afterAll(async () => {
  await h?.close();
  await unreachable?.close();
});

function trpcCreateSession(url: string, productId: string) {
  return fetch(`${url}/api/trpc/public.checkout.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ items: [{ productId, quantity: 1 }] }),
  });
}

function expectPaymentProviderDown(body: { error: Record<string, unknown> }) {
  expect(body.error).toEqual({
    code: 'UPSTREAM_FAILED',
    status: 502,
    message: PAYMENT_PROVIDER_DOWN,
    requestId: expect.any(String),
  });
}

function expectTrpcPaymentProviderDown(body: { error: { message: string; data: Record<string, unknown> } }) {
  expect(body.error.message).toBe(PAYMENT_PROVIDER_DOWN);
  expect(body.error.data).toMatchObject({ errorCode: 'UPSTREAM_FAILED', httpStatus: 502 });
  expect(body.error.data.details).toBeUndefined();
}

describe('when Stripe answers 500', () => {
  it('REST checkout answers 502 UPSTREAM_FAILED naming the payment provider', async () => {
    const p = await makeProduct(h.app.database.db);
    h.stripe.failCreate = Infinity;
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    h.stripe.failCreate = 0;
    expect(res.status).toBe(502);
    expectPaymentProviderDown(await json(res));
  });

  it('tRPC checkout answers 502 UPSTREAM_FAILED naming the payment provider', async () => {
    const p = await makeProduct(h.app.database.db);
    h.stripe.failCreate = Infinity;
    const res = await trpcCreateSession(h.app.url, p.id);
    h.stripe.failCreate = 0;
    expect(res.status).toBe(502);
    expectTrpcPaymentProviderDown(await json(res));
  });
});

describe('when Stripe cannot be reached (connection refused)', () => {
  it('REST and tRPC checkout answer 502 UPSTREAM_FAILED naming the payment provider', async () => {
    const p = await makeProduct(unreachable.database.db);
    const rest = await postCheckout(unreachable, { items: [{ productId: p.id, quantity: 1 }] });
    expect(rest.status).toBe(502);
    expectPaymentProviderDown(await json(rest));

    const trpc = await trpcCreateSession(unreachable.url, p.id);
    expect(trpc.status).toBe(502);
    expectTrpcPaymentProviderDown(await json(trpc));
  });

  it('checkout success polling answers 502 naming the payment provider, on REST and tRPC', async () => {
    const rest = await fetch(`${unreachable.url}/api/v1/checkout/success?session_id=cs_test_down`);
    expect(rest.status).toBe(502);
    expectPaymentProviderDown(await json(rest));

    const input = encodeURIComponent(JSON.stringify({ session_id: 'cs_test_down' }));
    const trpc = await fetch(`${unreachable.url}/api/trpc/public.checkout.success?input=${input}`);
    expect(trpc.status).toBe(502);
    expectTrpcPaymentProviderDown(await json(trpc));
  });
});
