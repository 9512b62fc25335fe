import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverOutboxBatch,
  enqueueEmail,
  fixedClock,
  html,
  layout,
  resendEmailSender,
} from '@popbox/domain';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const hostileSubject = `<script>alert("x")</script> & 'Order'`;

describe('the dev mailbox page', () => {
  it('lists delivered dev emails newest first, every value escaped, HTML in a sandboxed frame', async () => {
    const db = app.database.db;
    await enqueueEmail(db, {
      kind: 'refund',
      to: 'first@popbox.test',
      subject: 'First email',
      html: layout('First', html`<p>first</p>`),
      text: 'first',
    });
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const opts = {
      fromEmail: 'shop@popbox.test',
      batchSize: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1000, maxMs: 1000 },
    };
    await deliverOutboxBatch({ ...app.deps, clock }, opts);
    await enqueueEmail(db, {
      kind: 'order_confirmation',
      to: 'buyer@popbox.test',
      replyTo: 'help@popbox.test',
      subject: hostileSubject,
      html: '<p><b>Thanks</b> for your order</p><script>alert(1)</script>',
      text: 'Thanks <for> your order',
    });
    clock.advance(1000);
    await deliverOutboxBatch({ ...app.deps, clock }, opts);
    // Queued but not delivered: not in the mailbox.
    await enqueueEmail(db, {
      kind: 'contact',
      to: 'x@popbox.test',
      subject: 'Not yet',
      html: 'h',
      text: 't',
    });

    const res = await fetch(`${app.url}/dev/mailbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();

    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Order&#39;');
    expect(page).not.toContain('<script');
    expect(page).toContain('Thanks &lt;for&gt; your order');
    expect(page).toContain(
      'srcdoc="&lt;p&gt;&lt;b&gt;Thanks&lt;/b&gt; for your order&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(page).toMatch(/<iframe sandbox=""/);
    expect(page).toContain('help@popbox.test');
    expect(page).not.toContain('Not yet');
    expect(page.indexOf('Thanks &lt;for&gt;')).toBeLessThan(page.indexOf('First email'));

    const data = await json(await fetch(`${app.url}/dev/mailbox.json`));
    expect(data.items.map((m: { subject: string }) => m.subject)).toEqual([hostileSubject, 'First email']);
    expect(data.items[0]).toMatchObject({
      to: 'buyer@popbox.test',
      replyTo: 'help@popbox.test',
      kind: 'order_confirmation',
      html: '<p><b>Thanks</b> for your order</p><script>alert(1)</script>',
    });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    expect(doc.paths).toHaveProperty(['/dev/mailbox']);
    expect(doc.paths).toHaveProperty(['/dev/mailbox.json']);
  });
});

describe('with Resend configured', () => {
  it('has no dev mailbox', async () => {
    const resendApp = await startTestApp({
      deps: { emailSender: resendEmailSender({ apiKey: 're_x', baseUrl: 'http://127.0.0.1:9' }) },
    });
    try {
      expect((await fetch(`${resendApp.url}/dev/mailbox`)).status).toBe(404);
    } finally {
      await resendApp.close();
    }
  });
});
