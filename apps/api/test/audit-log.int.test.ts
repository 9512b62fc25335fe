import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '@popbox/domain';
import { makeProduct } from '@popbox/db/testing';
import { form, upload } from './support/images.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import type { Json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
let alice: AdminClient;
let bob: AdminClient;
let collectionId: string;
const startedAt = new Date().toISOString();

beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock('2026-10-20T12:00:00Z') });
  alice = await adminClient(app);
  bob = await adminClient(app);
  const c = await alice.call(
    'POST',
    '/admin/collections',
    { name: 'Audited' },
    { 'x-request-id': 'req-audit-1' },
  );
  collectionId = c.body.id;
  await bob.call('PATCH', `/admin/collections/${collectionId}`, { name: 'Audited Again' });
  await bob.call('POST', '/admin/tags', { name: 'Audit Tag', tagType: 'misc' });
  await alice.call('PUT', '/admin/settings/shipping', {
    flatShippingCents: 500,
    freeShippingThresholdCents: 0,
    currency: 'CAD',
  });
  // A refused mutation writes nothing.
  await alice.call('PUT', '/admin/settings/shipping', {
    flatShippingCents: -5,
    freeShippingThresholdCents: 0,
    currency: 'CAD',
  });
});
afterAll(() => app?.close());

const log = async (query = '') => {
  const res = await alice.call('GET', `/admin/audit-log?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Json[]; nextCursor: string | null };
};

describe('GET /admin/audit-log (F13)', () => {
  it('records who did what, with before/after and the request id, newest first', async () => {
    const { items } = await log();
    expect(items.map((e) => e.action)).toEqual([
      'settings.shipping.update',
      'tag.create',
      'collection.update',
      'collection.create',
    ]);
    const created = items[3];
    expect(created).toMatchObject({
      actorUserId: alice.userId,
      actorEmail: alice.email,
      entityType: 'collection',
      entityId: collectionId,
      requestId: 'req-audit-1',
      before: null,
      after: { name: 'Audited', slug: 'audited' },
    });
    expect(items[2]).toMatchObject({
      before: { name: 'Audited' },
      after: { name: 'Audited Again', slug: 'audited-again' },
    });
  });

  it('filters by actor, entity, action and time range', async () => {
    expect((await log(`actorUserId=${bob.userId}`)).items.map((e) => e.action)).toEqual([
      'tag.create',
      'collection.update',
    ]);
    expect((await log(`entityType=collection&entityId=${collectionId}`)).items).toHaveLength(2);
    expect((await log('action=tag.create')).items).toHaveLength(1);
    expect((await log(`from=${encodeURIComponent(startedAt)}`)).items).toHaveLength(4);
    expect((await log('to=2000-01-01T00:00:00Z')).items).toHaveLength(0);
  });

  it('pages with a cursor and validates its query strictly', async () => {
    const first = await log('limit=3');
    expect(first.items).toHaveLength(3);
    const second = await log(`limit=3&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual((await log()).items.map((e) => e.id));
    expect(second.nextCursor).toBeNull();
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['actorUserId=bob', 'actorUserId'],
      ['limit=51', 'limit'],
      ['who=alice', 'who'],
    ]) {
      const res = await alice.call('GET', `/admin/audit-log?${query}`);
      expect(res.status).toBe(400);
      expect(failedFields(res.body)).toContain(field);
    }
  });
});

describe('audit rows of the other admin mutations', () => {
  it('writes one row per image, prize, legal and banner mutation, in the same transaction', async () => {
    const before = (await log('limit=50')).items.length;
    const p = await makeProduct(app.database.db);
    const up = await upload(
      `${app.url}/api/v1/admin/products/${p.id}/images`,
      alice.token,
      form([{ field: 'files' }, { field: 'files' }]),
    );
    const [a, b] = up.body.images.map((i: Json) => i.id);
    await alice.call('PATCH', `/admin/products/${p.id}/images/reorder`, { imageIds: [b, a] });
    await alice.call('DELETE', `/admin/products/${p.id}/images/${a}`);
    const { product } = await makeKujiProduct(app.database.db, { prizes: [] });
    await upload(
      `${app.url}/api/v1/admin/products/${product.id}/kuji-prizes/upload-image`,
      alice.token,
      form([{ field: 'file' }]),
    );
    const prize = await alice.call('POST', `/admin/products/${product.id}/kuji-prizes`, {
      prizeCode: 'A1',
      prizeTier: 'A',
      name: 'A',
      initialQuantity: 1,
    });
    await alice.call('DELETE', `/admin/products/${product.id}/kuji-prizes/${prize.body.id}`);
    await alice.call('POST', '/admin/legal', { type: 'terms', content: 'Terms' });
    await alice.call('PUT', '/admin/settings/store-banner', { enabled: false, items: [] });
    // Refused mutations leave no trace.
    await alice.call('POST', `/admin/products/${product.id}/kuji-prizes`, {
      prizeCode: 'B1',
      prizeTier: 'B',
      name: 'B',
      initialQuantity: 1,
      remainingQuantity: 2,
    });
    const expected = [
      'product.image.upload',
      'product.image.reorder',
      'product.image.delete',
      'kuji_prize.image.upload',
      'kuji_prize.create',
      'kuji_prize.delete',
      'legal.publish',
      'settings.store_banner.update',
    ];
    const items = (await log('limit=50')).items;
    expect(items.length - before).toBe(expected.length);
    expect(
      items
        .slice(0, expected.length)
        .map((e) => e.action)
        .reverse(),
    ).toEqual(expected);
    expect(items.every((e) => e.actorUserId === alice.userId || e.actorUserId === bob.userId)).toBe(true);
  });
});

describe('impossible dates', () => {
  it('answers 400 (not 500) for an audit-log range with a date PostgreSQL would refuse', async () => {
    for (const from of ['2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const res = await alice.call('GET', `/admin/audit-log?from=${encodeURIComponent(from)}`);
      expect(res.status).toBe(400);
    }
  });
});
