import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import type { Json } from './support/http.js';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const submit = async (body: unknown) => {
  const res = await fetch(`${app.url}/api/v1/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};
const valid = (over: Record<string, unknown> = {}) => ({
  firstName: '  Aiko ',
  lastName: '',
  email: ' aiko@example.com ',
  inquiryType: 'general',
  message: '  Do you restock the fox plush?  ',
  ...over,
});

describe('POST /contact (B17 with F7)', () => {
  it('stores the trimmed message and enqueues one escaped email to the shop inbox in the same transaction', async () => {
    const res = await submit(
      valid({
        firstName: '<b>Aiko</b>',
        inquiryType: 'order-support',
        orderNumber: ' PB-123 ',
        message: 'My order <script>alert(1)</script> & more',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const { rows: messages } = await app.database.pool.query('select * from contact_messages');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      first_name: '<b>Aiko</b>',
      last_name: null,
      email: 'aiko@example.com',
      inquiry_type: 'order-support',
      order_number: 'PB-123',
      requested_series: null,
    });
    const { rows: emails } = await app.database.pool.query(
      `select * from email_outbox where kind = 'contact'`,
    );
    expect(emails).toHaveLength(1);
    const email = emails[0];
    expect(email).toMatchObject({
      to_email: 'hello@popbox.test',
      reply_to: 'aiko@example.com',
      subject: 'Order support — <b>Aiko</b>',
      status: 'queued',
    });
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(email.html).toContain('&lt;b&gt;Aiko&lt;/b&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Order number: PB-123');
    expect(email.text).toContain('Requested series: —');
    expect(email.text).toContain('Last name: —');
  });

  it('answers 400 with per-field messages, including the cross-field rules', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ firstName: '   ' }, 'firstName'],
      [{ firstName: 'x'.repeat(51) }, 'firstName'],
      [{ email: 'not-an-email' }, 'email'],
      [{ inquiryType: 'complaint' }, 'inquiryType'],
      [{ message: 'too short' }, 'message'],
      [{ message: 'x'.repeat(1001) }, 'message'],
      [{ inquiryType: 'order-support', orderNumber: '  ' }, 'orderNumber'],
      [{ inquiryType: 'shipping-support' }, 'orderNumber'],
      [{ inquiryType: 'ticket-support' }, 'orderNumber'],
      [{ inquiryType: 'product-request' }, 'requestedSeries'],
    ];
    for (const [over, field] of cases) {
      const res = await submit(valid(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(failedFields(res.body), JSON.stringify(over)).toContain(field);
    }
    const ok = await submit(valid({ inquiryType: 'product-request', requestedSeries: 'Cloud Whale Voyage' }));
    expect(ok.status).toBe(200);
  });
});

describe('GET /admin/contact-messages', () => {
  it('lists stored messages newest first with a cursor that walks them all', async () => {
    for (let i = 0; i < 5; i++) await submit(valid({ firstName: `N${i}` }));
    const all = await admin.call('GET', '/admin/contact-messages?limit=50');
    expect(all.status).toBe(200);
    const names = all.body.items.map((m: Json) => m.firstName);
    expect(names.slice(0, 5)).toEqual(['N4', 'N3', 'N2', 'N1', 'N0']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await admin.call(
        'GET',
        `/admin/contact-messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((m: Json) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((m: Json) => m.id));
    expect((await admin.call('GET', '/admin/contact-messages?limit=0')).status).toBe(400);
    expect((await admin.call('GET', '/admin/contact-messages?status=new')).status).toBe(400);
  });
});
