import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { makeCollection, makeProduct, makeUser } from '@popbox/db/testing';
import type { AppRouter } from '../src/trpc/app-router.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.database.db, { role: 'admin' });
  token = await app.adminToken(admin.id);
  const c = await makeCollection(app.database.db, { slug: 'client-shelf' });
  await makeProduct(app.database.db, {
    product: { name: 'Client Mug', slug: 'client-mug' },
    collectionIds: [c.id],
  });
});
afterAll(() => app?.close());

const client = (authorization?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${app.url}/api/trpc`, headers: () => (authorization ? { authorization } : {}) }),
    ],
  });

describe('typed tRPC client against the running server', () => {
  it('lists products and reads a product with the exported AppRouter type', async () => {
    const page = await client().public.catalog.listProducts.query({ collection: 'client-shelf', limit: 5 });
    expect(page.items.map((p) => p.slug)).toEqual(['client-mug']);
    const detail = await client().public.catalog.getProduct.query({ slug: 'client-mug' });
    expect(detail.name).toBe('Client Mug');
  });

  it('runs admin mutations with a bearer token and reports typed errors', async () => {
    const admin = client(`Bearer ${token}`);
    const created = await admin.admin.products.create.mutate({
      name: 'Typed Product',
      collectionIds: [],
      priceCents: 1999,
      status: 'active',
    });
    expect(created).toMatchObject({ slug: 'typed-product', status: 'active', currency: 'CAD' });
    const updated = await admin.admin.products.update.mutate({ id: created.id, name: 'Typed Product 2' });
    expect(updated.slug).toBe('typed-product');

    const denied = await client()
      .admin.products.list.query({})
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(TRPCClientError);
    expect((denied as TRPCClientError<AppRouter>).data).toMatchObject({
      httpStatus: 401,
      errorCode: 'UNAUTHENTICATED',
    });

    const invalid = await admin.admin.products.create
      .mutate({ name: '', collectionIds: [], priceCents: 1 })
      .then(
        () => expect.unreachable('accepted an empty name'),
        (e: unknown) => e as TRPCClientError<AppRouter>,
      );
    expect(invalid.data).toMatchObject({ httpStatus: 400, errorCode: 'VALIDATION_FAILED' });
    expect(Object.keys((invalid.data?.details as { fields: object }).fields)).toContain('name');
  });
});
