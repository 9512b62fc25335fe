import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFaqItem, makeLegalDocument } from '@popbox/db/testing';
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

const publicGet = (path: string) =>
  fetch(`${app.url}/api/v1${path}`).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

describe('legal documents (B15)', () => {
  it('publishes the first and next versions, keeping exactly one active per type', async () => {
    const v1 = await admin.call('POST', '/admin/legal', { type: 'privacy', content: '  Privacy v1  ' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      type: 'privacy',
      title: 'Privacy Policy',
      version: 1,
      isActive: true,
      content: 'Privacy v1',
    });
    const v2 = await admin.call('PATCH', `/admin/legal/${v1.body.id}`, { content: 'Privacy v2' });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, isActive: true });
    expect(v2.body.id).not.toBe(v1.body.id);
    const source = await admin.call('GET', `/admin/legal/${v1.body.id}`);
    expect(source.body).toMatchObject({ version: 1, isActive: false, content: 'Privacy v1' });
    expect((await publicGet('/legal/privacy')).body).toMatchObject({ version: 2, content: 'Privacy v2' });
    const list = await admin.call('GET', '/admin/legal?type=privacy');
    expect(list.body.items.map((d: Json) => d.version)).toEqual([2, 1]);
  });

  it('serialises simultaneous publishes into consecutive versions', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        admin.call('POST', '/admin/legal', { type: 'terms', content: `Terms ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const active = await app.database.pool.query(
      `select version from legal_documents where type = 'terms' and is_active`,
    );
    expect(active.rows).toEqual([{ version: 6 }]);
  });

  it('hides legacy FAQ-typed rows and validates strictly', async () => {
    const legacy = await makeLegalDocument(app.database.db, { type: 'faq', version: 1 });
    expect((await admin.call('GET', `/admin/legal/${legacy.id}`)).status).toBe(404);
    expect((await admin.call('PATCH', `/admin/legal/${legacy.id}`, { content: 'x' })).status).toBe(404);
    expect((await admin.call('GET', '/admin/legal')).body.items.some((d: Json) => d.id === legacy.id)).toBe(
      false,
    );
    for (const [body, field] of [
      [{ type: 'faq', content: 'x' }, 'type'],
      [{ type: 'terms', content: '   ' }, 'content'],
      [{ type: 'terms', content: 'x', draft: true }, 'draft'],
    ] as const) {
      const res = await admin.call('POST', '/admin/legal', body);
      expect(res.status).toBe(400);
      expect(failedFields(res.body)).toContain(field);
    }
    expect(failedFields((await admin.call('GET', '/admin/legal?kind=terms')).body)).toContain('kind');
  });
});

describe('FAQ (B15)', () => {
  it('creates (unpublished by default), updates, lists in order and deletes', async () => {
    await makeFaqItem(app.database.db, { question: 'Existing?', sortOrder: 5 });
    const created = await admin.call('POST', '/admin/legal/faq', {
      question: ' How long is shipping? ',
      answer: 'A week.',
      category: '  ',
    });
    expect(created.status).toBe(400);
    expect(failedFields(created.body)).toContain('category');
    const ok = await admin.call('POST', '/admin/legal/faq', {
      question: ' How long? ',
      answer: 'A week.',
      sortOrder: 1,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      question: 'How long?',
      isPublished: false,
      category: null,
      sortOrder: 1,
    });
    expect((await publicGet('/legal/faq')).body.items.some((f: Json) => f.id === ok.body.id)).toBe(false);
    const published = await admin.call('PATCH', `/admin/legal/faq/${ok.body.id}`, {
      isPublished: true,
      category: 'Shipping',
    });
    expect(published.body).toMatchObject({ isPublished: true, category: 'Shipping', answer: 'A week.' });
    expect((await publicGet('/legal/faq')).body.items.some((f: Json) => f.id === ok.body.id)).toBe(true);
    const all = await admin.call('GET', '/admin/legal/faq');
    expect(all.body.items[0].id).toBe(ok.body.id);
    expect(
      failedFields(
        (await admin.call('PATCH', `/admin/legal/faq/${ok.body.id}`, { isPublished: 'true' })).body,
      ),
    ).toContain('isPublished');
    expect((await admin.call('DELETE', `/admin/legal/faq/${ok.body.id}`)).body).toEqual({
      id: ok.body.id,
      deleted: true,
    });
    expect((await admin.call('DELETE', `/admin/legal/faq/${ok.body.id}`)).status).toBe(404);
    expect((await admin.call('PATCH', `/admin/legal/faq/${ok.body.id}`, { answer: 'x' })).status).toBe(404);
    const audit = await app.database.pool.query(
      `select action from admin_audit_log where entity_id = $1 order by created_at`,
      [ok.body.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['faq.create', 'faq.update', 'faq.delete']);
  });
});

describe('shipping settings (B16)', () => {
  it('reads the default and replaces it with strict JSON integers and CAD only', async () => {
    expect((await admin.call('GET', '/admin/settings/shipping')).body).toEqual({
      flatShippingCents: 1200,
      freeShippingThresholdCents: 14900,
      currency: 'CAD',
    });
    const put = await admin.call('PUT', '/admin/settings/shipping', {
      flatShippingCents: 0,
      freeShippingThresholdCents: 9900,
      currency: 'CAD',
    });
    expect(put.status).toBe(200);
    expect((await admin.call('GET', '/admin/settings/shipping')).body.freeShippingThresholdCents).toBe(9900);
    const bad: [Record<string, unknown>, string][] = [
      [{ flatShippingCents: '1200' }, 'flatShippingCents'],
      [{ flatShippingCents: 12.5 }, 'flatShippingCents'],
      [{ flatShippingCents: -1 }, 'flatShippingCents'],
      [{ freeShippingThresholdCents: null }, 'freeShippingThresholdCents'],
      [{ freeShippingThresholdCents: true }, 'freeShippingThresholdCents'],
      [{ currency: 'USD' }, 'currency'],
      [{ currency: 'cad' }, 'currency'],
      [{ extra: 1 }, 'extra'],
    ];
    for (const [over, field] of bad) {
      const res = await admin.call('PUT', '/admin/settings/shipping', {
        flatShippingCents: 1,
        freeShippingThresholdCents: 2,
        currency: 'CAD',
        ...over,
      });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(failedFields(res.body), JSON.stringify(over)).toContain(field);
    }
    expect((await admin.call('GET', '/admin/settings/shipping')).body.flatShippingCents).toBe(0);
    const audit = await app.database.pool.query(
      `select before, after from admin_audit_log where action = 'settings.shipping.update'`,
    );
    expect(audit.rows).toEqual([
      {
        before: { flatShippingCents: 1200, freeShippingThresholdCents: 14900, currency: 'CAD' },
        after: put.body,
      },
    ]);
  });
});

describe('store banner (B16)', () => {
  const item = (over: Record<string, unknown> = {}) => ({
    message: 'Hello',
    linkLabel: null,
    linkHref: null,
    sortOrder: 0,
    isActive: true,
    ...over,
  });
  const put = (body: unknown) => admin.call('PUT', '/admin/settings/store-banner', body);

  it('normalises: trims, assigns ids, blanks to null, sorts stably by sortOrder', async () => {
    const res = await put({
      enabled: true,
      items: [
        item({ message: '  Second  ', sortOrder: 2, id: '  ' }),
        item({
          message: 'First A',
          sortOrder: 1,
          linkLabel: ' Shop ',
          linkHref: ' /collections/new ',
          id: 'keep-me',
        }),
        item({ message: 'First B', sortOrder: 1, linkLabel: '', linkHref: '' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: Json) => i.message)).toEqual(['First A', 'First B', 'Second']);
    expect(res.body.items[0]).toEqual({
      id: 'keep-me',
      message: 'First A',
      linkLabel: 'Shop',
      linkHref: '/collections/new',
      sortOrder: 1,
      isActive: true,
    });
    expect(res.body.items[1]).toMatchObject({ linkLabel: null, linkHref: null });
    expect(res.body.items[2].id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await publicGet('/settings/store-banner')).body).toEqual(res.body);
    expect((await admin.call('GET', '/admin/settings/store-banner')).body).toEqual(res.body);
  });

  it('accepts only internal paths and https links', async () => {
    const cases: [string, boolean][] = [
      ['/legal/shipping-returns', true],
      ['https://popbox.example/sale?x=1', true],
      ['http://popbox.example', false],
      ['//evil.example', false],
      ['/\\evil.example', false],
      ['javascript:alert(1)', false],
      ['JAVASCRIPT:alert(1)', false],
      ['mailto:shop@popbox.example', false],
      ['data:text/html,hi', false],
      ['https://', false],
      ['/path with space', false],
      ['relative/path', false],
    ];
    for (const [href, ok] of cases) {
      const res = await put({ enabled: true, items: [item({ linkLabel: 'Go', linkHref: href })] });
      expect(res.status, href).toBe(ok ? 200 : 400);
      if (!ok) expect(failedFields(res.body), href).toContain('items.0.linkHref');
    }
  });

  it('refuses blank messages, labels without href, more than 5 items and bad types, writing nothing', async () => {
    const before = (await admin.call('GET', '/admin/settings/store-banner')).body;
    const cases: [unknown, string][] = [
      [{ enabled: true, items: [item({ message: '   ' })] }, 'items.0.message'],
      [{ enabled: true, items: [item(), item({ linkLabel: 'Go' })] }, 'items.1.linkHref'],
      [{ enabled: true, items: Array.from({ length: 6 }, () => item()) }, 'items'],
      [{ enabled: 'true', items: [] }, 'enabled'],
      [{ enabled: true, items: [item({ message: 'x'.repeat(161) })] }, 'items.0.message'],
      [{ enabled: true, items: [item({ linkLabel: 'x'.repeat(41), linkHref: '/a' })] }, 'items.0.linkLabel'],
      [{ enabled: true, items: [item({ sortOrder: -1 })] }, 'items.0.sortOrder'],
      [{ enabled: true, items: [item({ isActive: 'yes' })] }, 'items.0.isActive'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.status, field).toBe(400);
      expect(failedFields(res.body), field).toContain(field);
    }
    expect((await admin.call('GET', '/admin/settings/store-banner')).body).toEqual(before);
    expect((await put({ enabled: true, items: [] })).body).toEqual({ enabled: true, items: [] });
  });
});
