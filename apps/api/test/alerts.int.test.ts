import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKujiProduct, makeOrder, makeProduct, makeReservation, makeTag } from '@popbox/db/testing';
import { alertSubscriptions, createDb } from '@popbox/db';
import {
  deliverOutbox,
  recordSaleStarted,
  sweepStartedSales,
  releaseExpiredReservations,
  resendEmailSender,
  sendAlertEvents,
} from '@popbox/domain';
import { startFakeResend } from '@popbox/domain/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, type AdminClient } from './support/admin.js';
import { json, type Json } from './support/http.js';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const SEND = { maxPerEvent: 200, batchSize: 7, maxBatches: 100 };
const OUTBOX = {
  fromEmail: 'shop@popbox.test',
  batchSize: 100,
  maxBatches: 20,
  leaseMs: 60_000,
  backoff: { baseMs: 1000, maxMs: 1000 },
};

const post = (path: string, body: unknown) =>
  fetch(`${app.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function outboxTo(email: string) {
  const { rows } = await app.database.pool.query<{ kind: string; text: string; headers: Json }>(
    `select kind, text, headers from email_outbox where to_email = $1 order by created_at, id`,
    [email],
  );
  return rows;
}

async function mailbox(): Promise<Json[]> {
  await deliverOutbox(app.deps, OUTBOX);
  return (await json(await fetch(`${app.url}/dev/mailbox.json`))).items as Json[];
}

const linkIn = (text: string, action: 'confirm' | 'unsubscribe') => {
  const match = new RegExp(`http://api\\.test(/api/v1/alerts/${action}\\?token=[^\\s]+)`).exec(text);
  if (!match) throw new Error(`no ${action} link in: ${text}`);
  return `${app.url}${match[1]}`;
};

async function statusOf(email: string) {
  const { rows } = await app.database.pool.query<{ status: string }>(
    `select status from alert_subscriptions where email = $1`,
    [email],
  );
  return rows.map((r) => r.status);
}

const setStock = (productId: string, onHand: number) =>
  admin.call('PATCH', `/admin/products/${productId}/inventory`, { onHand });

describe('back-in-stock alerts: double opt-in', () => {
  it('sends nothing but the confirmation before the address confirms, then the alert with one-click headers', async () => {
    const product = await makeProduct(app.database.db, { inventory: { onHand: 0 } });
    const email = 'fan-optin@popbox.test';

    const first = await post(`/products/${product.slug}/alerts`, {
      email: ' Fan-OptIn@popbox.test ',
      kind: 'back_in_stock',
    });
    expect(first.status).toBe(202);
    const firstBody = await json(first);
    expect(firstBody).toEqual({ accepted: true, message: expect.any(String) });
    // An unknown address answers exactly the same.
    const other = await post(`/products/${product.slug}/alerts`, {
      email: 'nobody@popbox.test',
      kind: 'back_in_stock',
    });
    expect(other.status).toBe(202);
    expect(await json(other)).toEqual(firstBody);

    // Restock while only pending: no event, no alert.
    expect((await setStock(product.id, 3)).status).toBe(200);
    await sendAlertEvents(app.deps, SEND);
    let mails = await outboxTo(email);
    expect(mails.map((m) => m.kind)).toEqual(['alert_confirmation']);
    expect(mails[0]!.headers).toBeNull();
    expect(await statusOf(email)).toEqual(['pending']);
    expect((await setStock(product.id, 0)).status).toBe(200);

    const confirm = linkIn(mails[0]!.text, 'confirm');
    // GET only shows the page (mail scanners change nothing).
    const page = await fetch(confirm);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(await statusOf(email)).toEqual(['pending']);
    const confirmed = await fetch(confirm, { method: 'POST', headers: { accept: 'application/json' } });
    expect(confirmed.status).toBe(200);
    expect(await json(confirmed)).toEqual({ status: 'confirmed' });
    expect(await statusOf(email)).toEqual(['confirmed']);
    // Single use.
    const again = await fetch(confirm, { method: 'POST', headers: { accept: 'application/json' } });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('ALERT_LINK_USED');

    // A confirmed address asking again: same 202, no second confirmation email.
    const repeat = await post(`/products/${product.slug}/alerts`, { email, kind: 'back_in_stock' });
    expect(repeat.status).toBe(202);
    expect(await json(repeat)).toEqual(firstBody);
    expect((await outboxTo(email)).filter((m) => m.kind === 'alert_confirmation')).toHaveLength(1);

    expect((await setStock(product.id, 2)).status).toBe(200);
    await sendAlertEvents(app.deps, SEND);
    mails = await outboxTo(email);
    expect(mails.map((m) => m.kind)).toEqual(['alert_confirmation', 'alert']);
    const unsubscribe = linkIn(mails[1]!.text, 'unsubscribe');
    expect(mails[1]!.headers).toEqual({
      'List-Unsubscribe': `<${unsubscribe.replace(app.url, 'http://api.test')}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    // The never-confirmed address got its confirmation and nothing else.
    expect((await outboxTo('nobody@popbox.test')).map((m) => m.kind)).toEqual(['alert_confirmation']);

    const delivered = (await mailbox()).filter((m) => m.to === email);
    expect(delivered.map((m) => m.kind).sort()).toEqual(['alert', 'alert_confirmation']);
    expect(delivered.find((m) => m.kind === 'alert')!.headers['List-Unsubscribe-Post']).toBe(
      'List-Unsubscribe=One-Click',
    );
    // One-shot: told once, out of the queue.
    expect(await statusOf(email)).toEqual(['notified']);
  });

  it('refuses kinds that do not fit the product (409) and unknown products (404)', async () => {
    const inStock = await makeProduct(app.database.db, { inventory: { onHand: 4 } });
    const res = await post(`/products/${inStock.slug}/alerts`, {
      email: 'a@popbox.test',
      kind: 'back_in_stock',
    });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('ALERT_NOT_APPLICABLE');
    const missing = await post(`/products/no-such-product/alerts`, {
      email: 'a@popbox.test',
      kind: 'sale_starts',
    });
    expect(missing.status).toBe(404);
    const bad = await post(`/products/${inStock.slug}/alerts`, {
      email: 'not-an-email',
      kind: 'back_in_stock',
    });
    expect(bad.status).toBe(400);
  });
});

describe('unsubscribe', () => {
  async function confirmedSubscriber(email: string, slug: string) {
    expect((await post(`/products/${slug}/alerts`, { email, kind: 'back_in_stock' })).status).toBe(202);
    const [mail] = await outboxTo(email);
    const res = await fetch(linkIn(mail!.text, 'confirm'), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await statusOf(email)).toEqual(['confirmed']);
  }

  it('one-click POST (RFC 8058 form body) and the JSON operation both unsubscribe; nothing is sent after', async () => {
    const product = await makeProduct(app.database.db, { inventory: { onHand: 0 } });
    const oneClick = 'one-click@popbox.test';
    const viaApi = 'via-api@popbox.test';
    await confirmedSubscriber(oneClick, product.slug);
    await confirmedSubscriber(viaApi, product.slug);

    // The unsubscribe URL is stored with the subscription (the alert email and header carry it).
    const { rows } = await app.database.pool.query<{ email: string; unsubscribe_url: string }>(
      `select email, unsubscribe_url from alert_subscriptions where product_id = $1`,
      [product.id],
    );
    const urlOf = (e: string) =>
      rows.find((r) => r.email === e)!.unsubscribe_url.replace('http://api.test', app.url);

    const page = await fetch(urlOf(oneClick));
    expect(page.status).toBe(200);
    expect(await statusOf(oneClick)).toEqual(['confirmed']);
    const res = await fetch(urlOf(oneClick), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('unsubscribed');
    expect(await statusOf(oneClick)).toEqual(['unsubscribed']);
    // Idempotent.
    expect((await fetch(urlOf(oneClick), { method: 'POST' })).status).toBe(200);

    const token = new URL(urlOf(viaApi)).searchParams.get('token');
    const api = await post('/alerts/unsubscriptions', { token });
    expect(api.status).toBe(200);
    expect(await json(api)).toEqual({ status: 'unsubscribed' });
    const forged = await post('/alerts/unsubscriptions', { token: `${token}x` });
    expect(forged.status).toBe(400);

    expect((await setStock(product.id, 5)).status).toBe(200);
    await sendAlertEvents(app.deps, SEND);
    expect((await outboxTo(oneClick)).map((m) => m.kind)).toEqual(['alert_confirmation']);
    expect((await outboxTo(viaApi)).map((m) => m.kind)).toEqual(['alert_confirmation']);
  });
});

describe('a restock of 5 units with 100 confirmed subscribers', () => {
  it('tells the oldest max(5×4, 20) = 20 once each, even with the job run twice at once and again, through the dev mailbox', async () => {
    const product = await makeProduct(app.database.db, { inventory: { onHand: 0 } });
    const base = Date.parse('2026-01-01T00:00:00Z');
    const emails = Array.from({ length: 100 }, (_, i) => `cap-${String(i).padStart(3, '0')}@popbox.test`);
    await app.database.db.insert(alertSubscriptions).values(
      emails.map((email, i) => ({
        email,
        kind: 'back_in_stock' as const,
        productId: product.id,
        status: 'confirmed' as const,
        unsubscribeUrl: `http://api.test/api/v1/alerts/unsubscribe?token=t${i}`,
        shopUrl: 'http://shop.test',
        // Inserted newest first on purpose: the order must come from the subscription time.
        createdAt: new Date(base + (100 - i) * 1000),
        confirmedAt: new Date(base + 200_000),
      })),
    );
    expect((await setStock(product.id, 5)).status).toBe(200);

    // A second "process": its own pool and drizzle instance on the same database.
    const otherDb = createDb(app.database.url, { max: 3 });
    const other = { ...app.deps, db: otherDb.db };
    try {
      await Promise.all([sendAlertEvents(app.deps, SEND), sendAlertEvents(other, SEND)]);
      await Promise.all([sendAlertEvents(app.deps, SEND), sendAlertEvents(other, SEND)]);
    } finally {
      await otherDb.close();
    }

    const { rows } = await app.database.pool.query<{ to_email: string; n: number }>(
      `select to_email, count(*)::int as n from email_outbox
       where kind = 'alert' and to_email like 'cap-%' group by to_email order by to_email`,
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // Oldest subscription first: the last 20 inserted (cap-080 … cap-099) subscribed earliest.
    expect(rows.map((r) => r.to_email)).toEqual(emails.slice(80));
    const { rows: events } = await app.database.pool.query(
      `select status, sent, outcome, units from alert_events where product_id = $1`,
      [product.id],
    );
    expect(events).toEqual([{ status: 'done', sent: 20, outcome: 'cap', units: 5 }]);
    // The other 80 stay subscribed, first in line for the next restock.
    const { rows: left } = await app.database.pool.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from alert_subscriptions where product_id = $1 group by status order by status`,
      [product.id],
    );
    expect(left).toEqual([
      { status: 'confirmed', n: 80 },
      { status: 'notified', n: 20 },
    ]);

    const delivered = (await mailbox()).filter((m) => String(m.to).startsWith('cap-'));
    expect(delivered).toHaveLength(20);
    expect(new Set(delivered.map((m) => m.to)).size).toBe(20);

    // Admin: counts and the CSV of who still waits.
    const counts = await admin.call('GET', '/admin/alerts');
    expect(counts.status).toBe(200);
    expect(counts.body.targets).toContainEqual(
      expect.objectContaining({ slug: product.slug, kind: 'back_in_stock', confirmed: 80, notified: 20 }),
    );
    expect(counts.body.events).toContainEqual(
      expect.objectContaining({ productSlug: product.slug, sent: 20, outcome: 'cap' }),
    );
    const csv = await admin.call('GET', `/admin/alerts/subscribers/export?productSlug=${product.slug}`);
    expect(csv.status).toBe(200);
    expect(csv.body.rows).toBe(80);
    const lines = (csv.body.csv as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,kind,target_type,target_slug,subscribed_at,confirmed_at');
    expect(lines[1]).toContain('"cap-079@popbox.test"');
  });
});

describe('new boards in a followed series', () => {
  it('announces a kuji board that goes on sale to the confirmed followers of its series tag', async () => {
    const series = await makeTag(app.database.db, { tagType: 'series', name: 'Hoshi Line' });
    const email = 'series-fan@popbox.test';
    const res = await post(`/tags/${series.slug}/alerts`, { email });
    expect(res.status).toBe(202);
    const [mail] = await outboxTo(email);
    expect((await fetch(linkIn(mail!.text, 'confirm'), { method: 'POST' })).status).toBe(200);

    const { product } = await makeKujiProduct(app.database.db, { product: { status: 'draft' } });
    await app.database.pool.query(`insert into product_tags (product_id, tag_id) values ($1, $2)`, [
      product.id,
      series.id,
    ]);
    const activate = await admin.call('PATCH', `/admin/products/${product.id}`, { status: 'active' });
    expect(activate.status).toBe(200);
    await sendAlertEvents(app.deps, SEND);
    const mails = await outboxTo(email);
    expect(mails.map((m) => m.kind)).toEqual(['alert_confirmation', 'alert']);
    expect(mails[1]!.text).toContain(product.name);
    // A follow stays for the next board.
    expect(await statusOf(email)).toEqual(['confirmed']);

    // Following from the board itself subscribes to its series.
    const fromBoard = await post(`/products/${product.slug}/alerts`, {
      email: 'board-fan@popbox.test',
      kind: 'new_board',
    });
    expect(fromBoard.status).toBe(202);
    const { rows } = await app.database.pool.query(
      `select kind, tag_id as "tagId" from alert_subscriptions where email = 'board-fan@popbox.test'`,
    );
    expect(rows).toEqual([{ kind: 'new_board', tagId: series.id }]);
  });
});

describe('drop starts', () => {
  it('an announced drop takes sale_starts subscribers; when its start passes the sweep tells each confirmed one once', async () => {
    const start = new Date(Date.now() + 3_600_000);
    const product = await makeProduct(app.database.db, {
      product: { salesStartAt: start, preSaleVisibility: 'announced' },
      inventory: { onHand: 50 },
    });
    const email = 'drop-fan@popbox.test';
    expect((await post(`/products/${product.slug}/alerts`, { email, kind: 'sale_starts' })).status).toBe(202);
    const [mail] = await outboxTo(email);
    expect((await fetch(linkIn(mail!.text, 'confirm'), { method: 'POST' })).status).toBe(200);

    // Nothing before the start; then the start passes (moved back in the database instead of waiting).
    expect(await sweepStartedSales(app.deps)).toBe(0);
    await app.database.pool.query(
      `update products set sales_start_at = now() - interval '5 seconds' where id = $1`,
      [product.id],
    );
    expect(await sweepStartedSales(app.deps)).toBe(1);
    expect(await sweepStartedSales(app.deps)).toBe(0);
    const again = await app.database.db.transaction((tx) => recordSaleStarted(tx, product.id));
    expect(again).toBe(false);
    await sendAlertEvents(app.deps, SEND);
    await sendAlertEvents(app.deps, SEND);
    const mails = await outboxTo(email);
    expect(mails.map((m) => m.kind)).toEqual(['alert_confirmation', 'alert']);
    expect(mails[1]!.text).toContain(`http://shop.test/products/${product.slug}`);

    // A drop on sale already, or a hidden one, takes no sale_starts subscriptions (a hidden one is not public).
    expect(
      (await post(`/products/${product.slug}/alerts`, { email: 'late@popbox.test', kind: 'sale_starts' }))
        .status,
    ).toBe(409);
    const hidden = await makeProduct(app.database.db, {
      product: { salesStartAt: start, preSaleVisibility: 'hidden' },
      inventory: { onHand: 5 },
    });
    expect((await post(`/products/${hidden.slug}/alerts`, { email, kind: 'sale_starts' })).status).toBe(404);
  });
});

describe('stock given back by a released reservation', () => {
  it('records the restock in the release transaction and alerts confirmed subscribers; Resend receives the one-click headers', async () => {
    const product = await makeProduct(app.database.db, { inventory: { onHand: 2, reserved: 2 } });
    const { order } = await makeOrder(app.database.db, {
      order: { status: 'pending_payment' },
      lines: [{ product, quantity: 2 }],
    });
    await makeReservation(app.database.db, { orderId: order.id, productId: product.id, quantity: 2 });
    const email = 'released@popbox.test';
    await app.database.db.insert(alertSubscriptions).values({
      email,
      kind: 'back_in_stock',
      productId: product.id,
      status: 'confirmed',
      unsubscribeUrl: 'http://api.test/api/v1/alerts/unsubscribe?token=released',
      shopUrl: 'http://shop.test',
    });
    await app.database.pool.query(`update orders set status = 'cancelled' where id = $1`, [order.id]);
    const released = await releaseExpiredReservations(app.deps, { batchSize: 10, maxBatches: 1 });
    expect(released.releasedUnits).toBe(2);
    const { rows: events } = await app.database.pool.query(
      `select kind, units, status from alert_events where product_id = $1`,
      [product.id],
    );
    expect(events).toEqual([{ kind: 'back_in_stock', units: 2, status: 'pending' }]);

    await sendAlertEvents(app.deps, SEND);
    expect((await outboxTo(email)).map((m) => m.kind)).toEqual(['alert']);

    // Delivered through the Resend adapter (fake server): the headers reach the provider.
    const resend = await startFakeResend();
    try {
      await deliverOutbox(
        { ...app.deps, emailSender: resendEmailSender({ apiKey: 're_test', baseUrl: resend.url }) },
        OUTBOX,
      );
      const sent = resend.requests.find((r) => r.body.to === email || (r.body.to as string[])?.[0] === email);
      expect(sent?.body.headers).toEqual({
        'List-Unsubscribe': '<http://api.test/api/v1/alerts/unsubscribe?token=released>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
    } finally {
      await resend.close();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 after 5 requests for one address (whatever the IP)', async () => {
    const product = await makeProduct(app.database.db, { inventory: { onHand: 0 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await post(`/products/${product.slug}/alerts`, { email: 'Busy@popbox.test', kind: 'back_in_stock' }))
          .status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const other = await post(`/products/${product.slug}/alerts`, {
      email: 'calm@popbox.test',
      kind: 'back_in_stock',
    });
    expect(other.status).toBe(202);
  });

  it('answers 429 after 10 subscribe requests from one IP (REST and tRPC share the budget)', async () => {
    const limited = await startTestApp({ app: { rateLimit: { store: 'postgres' } } });
    try {
      const product = await makeProduct(limited.database.db, { inventory: { onHand: 0 } });
      const statuses: number[] = [];
      for (let i = 0; i < 9; i++) {
        const res = await fetch(`${limited.url}/api/v1/products/${product.slug}/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `ip-${i}@popbox.test`, kind: 'back_in_stock' }),
        });
        statuses.push(res.status);
      }
      const trpc = await fetch(`${limited.url}/api/trpc/public.alerts.subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: product.slug, email: 'ip-trpc@popbox.test', kind: 'back_in_stock' }),
      });
      statuses.push(trpc.status);
      const over = await fetch(`${limited.url}/api/v1/products/${product.slug}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ip-over@popbox.test', kind: 'back_in_stock' }),
      });
      expect(statuses).toEqual([...Array<number>(9).fill(202), 200]);
      expect(over.status).toBe(429);
      expect((await json(over)).error.code).toBe('RATE_LIMITED');
      // Other public reads are not counted against this budget.
      expect((await fetch(`${limited.url}/api/v1/products/${product.slug}`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
