import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { REFUND_KEY_LEASE_MS } from '@popbox/domain';
import { adminClient, type AdminClient } from './support/admin.js';
import { paidCheckout, startCheckoutHarness, type CheckoutHarness } from './support/checkout.js';
import { freePort, startAppProcess, until, waitForReady, type AppProcess } from './support/processes.js';
import { TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from './support/test-app.js';

/**
 * Admin refunds retried after a crash (issue 11, follow-up to item 16). A real API process on the same
 * database and fake Stripe takes the refund and is SIGKILLed while the refund is at Stripe; the admin retries
 * the same key and request on another process. The dead request stops renewing its key's lease, so the retry
 * finishes (or replays) the refund once the lease ran out — REFUND_KEY_LEASE_MS after the last renewal, not
 * minutes — with exactly one Stripe refund. A live request renews its lease: a duplicate still gets 409.
 */
let h: CheckoutHarness;
let admin: AdminClient;
let storageDir: string;
const doomed: AppProcess[] = [];

beforeAll(async () => {
  h = await startCheckoutHarness();
  admin = await adminClient(h.app);
  storageDir = await mkdtemp(join(tmpdir(), 'popbox-refund-crash-'));
}, 60_000);
afterAll(async () => {
  await Promise.all(doomed.map((p) => p.stop('SIGKILL')));
  await h?.close();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});
beforeEach(() => {
  h.stripe.refundDelayMs = 0;
});

const db = () => h.app.database.db;

async function paidOrder() {
  const p = await makeProduct(db(), { product: { priceCents: 4000 }, inventory: { onHand: 10 } });
  return paidCheckout(h, [{ productId: p.id, quantity: 1 }]);
}

function postRefund(baseUrl: string, orderId: string, key: string, body: unknown = {}) {
  return fetch(`${baseUrl}/api/v1/admin/orders/${orderId}/refund`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${admin.token}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
}

const stripeRefundsOf = (orderId: string) =>
  [...h.stripe.refunds.values()].filter((r) => (r.metadata as { orderId?: string }).orderId === orderId);
const refundCalls = () =>
  h.stripe.calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds').length;
const when = (condition: () => boolean) => () => Promise.resolve(condition() ? true : undefined);

/** A second API process on the harness's database and fake Stripe: the one that will die. */
async function startDoomedApi(): Promise<{ url: string; proc: AppProcess }> {
  const port = await freePort();
  const proc = startAppProcess(`doomed-${doomed.length + 1}`, 'api', {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: h.app.database.url,
    RATE_LIMITS: 'off',
    STRIPE_SECRET_KEY: h.stripe.secretKey,
    STRIPE_API_BASE: h.stripe.url,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    DEV_JWT_SECRET: TEST_JWT_SECRET,
    STORAGE_DIR: storageDir,
  });
  doomed.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url, proc);
  return { url, proc };
}

/** Starts the refund on a process and SIGKILLs it once its refund request reached Stripe. */
async function refundThenCrash(orderId: string, key: string): Promise<number> {
  const { url, proc } = await startDoomedApi();
  const before = refundCalls();
  const dead = postRefund(url, orderId, key).catch(() => undefined);
  await until(
    when(() => refundCalls() > before),
    20_000,
  );
  await proc.stop('SIGKILL');
  await dead;
  return performance.now();
}

/**
 * Retries every 250 ms while the answer is 409 IDEMPOTENCY_IN_FLIGHT, for at most the lease plus a margin;
 * returns the last answer.
 */
async function retryUntilDone(orderId: string, key: string) {
  const deadline = performance.now() + REFUND_KEY_LEASE_MS + 5_000;
  for (;;) {
    const res = await postRefund(h.app.url, orderId, key);
    const body = (await res.json()) as { error?: { code: string } };
    const inFlight = res.status === 409 && body.error?.code === 'IDEMPOTENCY_IN_FLIGHT';
    if (!inFlight || performance.now() > deadline) return { res, body };
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('admin refund retried after the API process died (issue 11, item 16 follow-up)', () => {
  it('finishes the refund within the lease when the process died while Stripe had not answered', async () => {
    const { orderId } = await paidOrder();
    const key = randomUUID();
    h.stripe.refundDelayMs = 600_000; // Stripe never answers the dead process
    const killedAt = await refundThenCrash(orderId, key);
    h.stripe.refundDelayMs = 0;

    const { res, body } = await retryUntilDone(orderId, key);
    const waited = performance.now() - killedAt;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'refunded', payment: { refundedAmountCents: 5200 } });
    expect(waited).toBeLessThan(REFUND_KEY_LEASE_MS + 2_000);
    expect(stripeRefundsOf(orderId)).toHaveLength(1);

    const again = await postRefund(h.app.url, orderId, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(stripeRefundsOf(orderId)).toHaveLength(1);
  }, 90_000);

  it('records the same Stripe refund when the process died after Stripe refunded but before storing the answer', async () => {
    const { orderId } = await paidOrder();
    const key = randomUUID();
    h.stripe.refundDelayMs = 1_500; // Stripe refunds after the process is gone
    const killedAt = await refundThenCrash(orderId, key);
    h.stripe.refundDelayMs = 0;
    await until(
      when(() => stripeRefundsOf(orderId).length === 1),
      10_000,
    );
    const [stripeRefund] = stripeRefundsOf(orderId);

    const { res, body } = await retryUntilDone(orderId, key);
    expect(res.status).toBe(200);
    expect(performance.now() - killedAt).toBeLessThan(REFUND_KEY_LEASE_MS + 2_000);
    expect(body).toMatchObject({ status: 'refunded', payment: { refundedAmountCents: 5200 } });
    expect(stripeRefundsOf(orderId)).toHaveLength(1);
    const rows = await db().query.paymentRefunds.findMany({ where: (t, { eq }) => eq(t.orderId, orderId) });
    expect(rows.map((r) => r.providerRefundId)).toEqual([stripeRefund!.id]);
  }, 90_000);

  it('keeps a live refund slower than the lease: a duplicate still gets 409 and the order stays busy', async () => {
    const { orderId } = await paidOrder();
    const key = randomUUID();
    h.stripe.refundDelayMs = REFUND_KEY_LEASE_MS + 3_000;
    const first = postRefund(h.app.url, orderId, key);
    await new Promise((r) => setTimeout(r, REFUND_KEY_LEASE_MS + 1_500));

    const duplicate = await postRefund(h.app.url, orderId, key);
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { error: { code: string } }).error.code).toBe(
      'IDEMPOTENCY_IN_FLIGHT',
    );
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await postRefund(h.app.url, orderId, randomUUID(), { amountCents: 100 });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('ORDER_BUSY');

    expect((await first).status).toBe(200);
    expect(stripeRefundsOf(orderId)).toHaveLength(1);
  }, 60_000);
});
