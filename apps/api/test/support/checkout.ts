import { randomUUID } from 'node:crypto';
import type { Db } from '@popbox/db';
import { signStripeWebhookPayload, stripePayments, type Clock } from '@popbox/domain';
import { startFakeStripe, type FakeStripe } from './fake-stripe.js';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from './test-app.js';

export interface CheckoutHarness {
  app: TestApp;
  stripe: FakeStripe;
  close(): Promise<void>;
}

/** A test app whose payments adapter is the real Stripe adapter pointed at the fake Stripe server. */
export async function startCheckoutHarness(
  opts: { clock?: Clock; countQueries?: boolean } = {},
): Promise<CheckoutHarness> {
  const stripe = await startFakeStripe();
  const app = await startTestApp({
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.countQueries ? { countQueries: true } : {}),
    deps: {
      payments: stripePayments({
        secretKey: stripe.secretKey,
        webhookSecret: TEST_WEBHOOK_SECRET,
        apiBase: stripe.url,
      }),
    },
  });
  return {
    app,
    stripe,
    async close() {
      await app.close();
      await stripe.close();
    },
  };
}

export interface CheckoutBody {
  items: Array<{ productId: string; quantity: number | string }>;
  email?: string;
  name?: string;
}

export function postCheckout(
  app: Pick<TestApp, 'url'>,
  body: CheckoutBody | unknown,
  key: string | null = randomUUID(),
) {
  return fetch(`${app.url}/api/v1/checkout/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
}

/** Posts a Stripe event to the webhook, signed like Stripe signs (the SDK's own helper). */
export async function postWebhook(
  app: Pick<TestApp, 'url'>,
  event: unknown,
  opts: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const payload = JSON.stringify(event);
  const signature =
    opts.signature === undefined
      ? await signStripeWebhookPayload(payload, opts.secret ?? TEST_WEBHOOK_SECRET, opts.timestamp)
      : opts.signature;
  return fetch(`${app.url}/api/v1/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'stripe-signature': signature }),
    },
    body: payload,
  });
}

export async function inventoryOf(db: Db, productId: string) {
  const row = await db.query.productInventory.findFirst({ where: (t, { eq }) => eq(t.productId, productId) });
  return row!;
}

/** Σ quantity of the product's active reservations: must always equal `reserved` (F14's invariant). */
export async function activeReservedUnits(db: Db, productId: string): Promise<number> {
  const rows = await db.query.inventoryReservations.findMany({
    where: (t, { and, eq }) => and(eq(t.productId, productId), eq(t.status, 'active')),
  });
  return rows.reduce((sum, r) => sum + r.quantity, 0);
}

export async function orderOf(db: Db, orderId: string) {
  const order = await db.query.orders.findFirst({ where: (t, { eq }) => eq(t.id, orderId) });
  const payment = await db.query.payments.findFirst({ where: (t, { eq }) => eq(t.orderId, orderId) });
  const reservations = await db.query.inventoryReservations.findMany({
    where: (t, { eq }) => eq(t.orderId, orderId),
  });
  const emails = await db.query.emailOutbox.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
  return { order: order!, payment: payment!, reservations, emails };
}

/** Raw SQL for test set-up (apps/api does not depend on drizzle-orm's query builders). */
export async function sql(app: TestApp, text: string, params: unknown[] = []) {
  return (await app.database.pool.query(text, params)).rows as Array<Record<string, unknown>>;
}

export function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface PaidCheckout {
  orderId: string;
  publicId: string;
  sessionId: string;
  paymentIntentId: string;
}

/** A real checkout paid at the fake Stripe and finalised by its signed webhook. */
export async function paidCheckout(
  h: CheckoutHarness,
  items: Array<{ productId: string; quantity: number }>,
  complete: Parameters<FakeStripe['complete']>[1] = {},
): Promise<PaidCheckout> {
  const res = await postCheckout(h.app, { items });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${await res.text()}`);
  const { orderId, publicId, sessionId } = (await res.json()) as {
    orderId: string;
    publicId: string;
    sessionId: string;
  };
  const session = h.stripe.complete(sessionId, complete);
  const hook = await postWebhook(h.app, h.stripe.event('checkout.session.completed', session));
  if (hook.status !== 200) throw new Error(`webhook failed: ${hook.status} ${await hook.text()}`);
  return { orderId, publicId, sessionId, paymentIntentId: session.payment_intent as string };
}
