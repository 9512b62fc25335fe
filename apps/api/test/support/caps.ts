import { randomUUID } from 'node:crypto';
import { makeProduct } from '@popbox/db/testing';
import type { TestApp } from './test-app.js';
import { json, type Json } from './http.js';

/** A standard product with purchase caps (issue 13). */
export function makeCappedProduct(
  app: TestApp,
  caps: { maxPerOrder?: number | null; maxPerBuyer?: number | null },
  onHand = 100,
) {
  return makeProduct(app.database.db, {
    product: { maxPerOrder: caps.maxPerOrder ?? null, maxPerBuyer: caps.maxPerBuyer ?? null },
    inventory: { onHand },
  });
}

/** POST /checkout/session with a fresh key; answers status and body. */
export async function checkout(
  app: Pick<TestApp, 'url'>,
  body: { items: Array<{ productId: string; quantity: number }>; email?: string; challengeToken?: string },
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${app.url}/api/v1/checkout/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

/** Pays a simulator session as a buyer: the email, test card and street Stripe would collect. */
export async function payAs(
  app: Pick<TestApp, 'url'>,
  sessionId: string,
  buyer: { email: string; card?: string; street?: string },
): Promise<number> {
  const query = new URLSearchParams({
    ...(buyer.card ? { card: buyer.card } : {}),
    ...(buyer.street ? { street: buyer.street } : {}),
  });
  const res = await fetch(`${app.url}/dev/checkout/${sessionId}/pay?${query}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: buyer.email }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Raw SQL for assertions. */
export async function query(app: TestApp, text: string, params: unknown[] = []) {
  return (await app.database.pool.query(text, params)).rows as Array<Record<string, unknown>>;
}

/** Waits until `probe` is truthy (the simulator delivers refund events asynchronously). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
