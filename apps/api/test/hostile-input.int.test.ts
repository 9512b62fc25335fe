import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder, makeProduct } from '@popbox/db/testing';
import { createLogger } from '../src/logger.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import type { Json } from './support/http.js';
import { form, upload } from './support/images.js';
import { makeKujiProduct } from '@popbox/domain/testing';

/**
 * Issue 11, items 3–7 and 12: hostile input answers a 4xx in the error shape of spec (e) on every surface
 * (REST, tRPC GET/POST and batches, before authentication where it can), never a 500 or a stack trace.
 */
const logLines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});
const logger = createLogger({ level: 'info', pretty: false }, sink);

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp({ deps: { logger }, app: { logger } });
  admin = await adminClient(app);
});
afterAll(() => app?.close());

interface Answer {
  status: number;
  body: Json;
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${app.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}
const get = (path: string) => send(path);
const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const trpcInput = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/** The REST error shape of spec (e) / F1, with no trace of a stack. */
function expectRestError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.error).toMatchObject({ code, status, message: expect.any(String) });
  expect(answer.body.error.requestId).toEqual(expect.any(String));
  expectNoStack(answer.body);
}

/** The tRPC error shape: the same code, status, request id and details under `error.data`. */
function expectTrpcError(error: Json, status: number, code: string): void {
  expect(error).toMatchObject({
    message: expect.any(String),
    data: { httpStatus: status, errorCode: code, requestId: expect.any(String) },
  });
  expect(error.data.stack).toBeUndefined();
  expectNoStack(error);
}

function expectNoStack(body: unknown): void {
  expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+|"stack"/);
}

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const contact = {
  firstName: 'Ada',
  email: 'ada@example.com',
  inquiryType: 'general',
  message: 'Hello there, a question about shipping.',
};

describe('NUL bytes (item 3)', () => {
  it('answers 400 naming the field for NUL in public query strings (search, autocomplete, collection, tag)', async () => {
    for (const [path, field] of [
      ['/api/v1/search?q=a%00b', 'q'],
      ['/api/v1/search/autocomplete?q=a%00b', 'q'],
      ['/api/v1/products?collection=a%00b', 'collection'],
      ['/api/v1/products?tag=a%00b', 'tag'],
    ] as const) {
      const answer = await get(path);
      expectRestError(answer, 400, 'VALIDATION_FAILED');
      expect(failedFields(answer.body), path).toEqual([field]);
    }
  });

  it('answers 400 naming the field for NUL in the checkout name and a nested item', async () => {
    const product = await makeProduct(app.database.db);
    const headers = { 'idempotency-key': randomUUID() };
    const named = await postJson(
      '/api/v1/checkout/session',
      JSON.stringify({ items: [{ productId: product.id, quantity: 1 }], name: 'Ada\u0000' }),
      headers,
    );
    expectRestError(named, 400, 'VALIDATION_FAILED');
    expect(failedFields(named.body)).toEqual(['name']);
    const nested = await postJson(
      '/api/v1/checkout/session',
      JSON.stringify({ items: [{ productId: `${product.id}\u0000`, quantity: 1 }] }),
      { 'idempotency-key': randomUUID() },
    );
    expectRestError(nested, 400, 'VALIDATION_FAILED');
    expect(failedFields(nested.body)).toEqual(['items.0.productId']);
    const orders = await app.database.pool.query('select count(*)::int as n from orders');
    expect(orders.rows[0].n).toBe(0);
  });

  it('answers 400 naming the field for NUL in any contact form field, and stores nothing', async () => {
    for (const field of ['firstName', 'email', 'message', 'requestedSeries']) {
      const answer = await postJson('/api/v1/contact', JSON.stringify({ ...contact, [field]: 'x\u0000y' }));
      expectRestError(answer, 400, 'VALIDATION_FAILED');
      expect(failedFields(answer.body), field).toEqual([field]);
    }
    const stored = await app.database.pool.query('select count(*)::int as n from contact_messages');
    expect(stored.rows[0].n).toBe(0);
  });

  it('answers 400 naming the field for NUL in admin name and description fields', async () => {
    const created = await admin.call('POST', '/admin/collections', { name: 'Series\u0000' });
    expectRestError(created, 400, 'VALIDATION_FAILED');
    expect(failedFields(created.body)).toEqual(['name']);
    const product = await makeProduct(app.database.db);
    const updated = await admin.call('PATCH', `/admin/products/${product.id}`, { description: 'a\u0000b' });
    expectRestError(updated, 400, 'VALIDATION_FAILED');
    expect(failedFields(updated.body)).toEqual(['description']);
    const faq = await admin.call('POST', '/admin/legal/faq', { question: 'Why?', answer: 'Because\u0000' });
    expectRestError(faq, 400, 'VALIDATION_FAILED');
    expect(failedFields(faq.body)).toEqual(['answer']);
  });

  it('answers 400 in the tRPC shape for NUL in a tRPC GET input, a POST input and one call of a batch', async () => {
    const query = await get(`/api/trpc/public.catalog.search?input=${trpcInput({ q: 'a\u0000b' })}`);
    expect(query.status).toBe(400);
    expectTrpcError(query.body.error, 400, 'VALIDATION_FAILED');
    expect(Object.keys(query.body.error.data.details.fields)).toEqual(['q']);

    const mutation = await postJson(
      '/api/trpc/public.contact.submit',
      JSON.stringify({ ...contact, lastName: '\u0000' }),
    );
    expect(mutation.status).toBe(400);
    expectTrpcError(mutation.body.error, 400, 'VALIDATION_FAILED');
    expect(Object.keys(mutation.body.error.data.details.fields)).toEqual(['lastName']);

    const batch = await get(
      `/api/trpc/public.catalog.search,public.catalog.search?batch=1&input=${trpcInput({
        0: { q: 'fine' },
        1: { q: 'a\u0000b' },
      })}`,
    );
    expect(batch.status).toBe(207);
    expect(batch.body[0].result).toBeDefined();
    expectTrpcError(batch.body[1].error, 400, 'VALIDATION_FAILED');
    expect(Object.keys(batch.body[1].error.data.details.fields)).toEqual(['q']);
  });

  it('answers 400 naming the field for NUL in a multipart text field (image alt text), storing nothing', async () => {
    const product = await makeProduct(app.database.db);
    const answer = await upload(
      `${app.url}/api/v1/admin/products/${product.id}/images`,
      admin.token,
      form([{ field: 'files' }, { field: 'altTexts', value: 'A mug\u0000' }]),
    );
    expectRestError(answer, 400, 'VALIDATION_FAILED');
    expect(failedFields(answer.body)).toEqual(['altTexts']);
    const images = await app.database.pool.query('select 1 from product_images where product_id = $1', [
      product.id,
    ]);
    expect(images.rowCount).toBe(0);
  });

  it('answers 400 for NUL in a field name', async () => {
    const answer = await postJson('/api/v1/contact', JSON.stringify({ ...contact, 'x\u0000': 1 }));
    expectRestError(answer, 400, 'VALIDATION_FAILED');
  });
});

describe('deeply nested JSON (item 4)', () => {
  it('answers 400, not 500, to a 5,000-deep body on a public route, REST and tRPC', async () => {
    for (const body of [deepArray(5000), deepObject(5000)]) {
      expectRestError(await postJson('/api/v1/contact', body), 400, 'VALIDATION_FAILED');
      expectRestError(await postJson('/api/trpc/public.contact.submit', body), 400, 'VALIDATION_FAILED');
    }
  });

  it('answers 400 before authentication to a 5,000-deep body on an admin route', async () => {
    const answer = await postJson('/api/v1/admin/legal/faq', deepObject(5000));
    expectRestError(answer, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 to deep nesting sent as a tRPC GET input or a non-JSON tRPC body', async () => {
    const query = await get(`/api/trpc/public.catalog.search?input=${encodeURIComponent(deepObject(500))}`);
    expect(query.status).toBe(400);
    expectTrpcError(query.body.error, 400, 'VALIDATION_FAILED');
    const plain = await send('/api/trpc/public.contact.submit', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: deepObject(5000),
    });
    // tRPC takes JSON only: the deep text never reaches a parser.
    expect(plain.status).toBe(415);
    expect(plain.body.error.data).toMatchObject({ httpStatus: 415, errorCode: 'UNSUPPORTED_MEDIA_TYPE' });
    expectNoStack(plain.body);
  });

  it('still accepts the nesting real inputs have', async () => {
    const answer = await admin.call('PUT', '/admin/settings/store-banner', {
      enabled: true,
      items: [{ message: 'Free shipping', sortOrder: 0, isActive: true }],
    });
    expect(answer.status).toBe(200);
  });
});

describe('prototype keys (item 5)', () => {
  it('answers 400 naming the key for __proto__ and constructor in anonymous tRPC inputs', async () => {
    const protoQuery = await get(
      `/api/trpc/public.catalog.search?input=${encodeURIComponent('{"__proto__":{"x":1},"q":"mug"}')}`,
    );
    expectTrpcError(protoQuery.body.error, 400, 'VALIDATION_FAILED');
    expect(Object.keys(protoQuery.body.error.data.details.fields)).toEqual(['__proto__']);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = `{"${key}":{"polluted":true},${JSON.stringify(contact).slice(1)}`;
      const answer = await postJson('/api/trpc/public.contact.submit', body);
      expect(answer.status, key).toBe(400);
      expectTrpcError(answer.body.error, 400, 'VALIDATION_FAILED');
      expect(Object.keys(answer.body.error.data.details.fields)).toEqual([key]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 400 naming the key on the strict REST bodies (settings, legal, FAQ, order status)', async () => {
    const { order } = await makeOrder(app.database.db);
    const cases: Array<[string, string, object]> = [
      [
        'PUT',
        '/admin/settings/shipping',
        { flatShippingCents: 500, freeShippingThresholdCents: 0, currency: 'CAD' },
      ],
      ['PUT', '/admin/settings/store-banner', { enabled: false, items: [] }],
      ['POST', '/admin/legal', { type: 'privacy', content: 'Privacy' }],
      ['POST', '/admin/legal/faq', { question: 'Q?', answer: 'A.' }],
      ['PATCH', `/admin/orders/${order.id}/status`, { status: 'packed' }],
    ];
    for (const [method, path, body] of cases) {
      for (const key of ['__proto__', 'constructor']) {
        const raw = `{"${key}":{"isAdmin":true},${JSON.stringify(body).slice(1)}`;
        const answer = await admin.call(method, path, raw);
        expectRestError(answer, 400, 'VALIDATION_FAILED');
        expect(failedFields(answer.body), `${method} ${path} ${key}`).toEqual([key]);
      }
    }
  });

  it('answers 400 for a prototype key nested inside an item', async () => {
    const raw = '{"enabled":true,"items":[{"message":"Hi","sortOrder":0,"isActive":true,"constructor":1}]}';
    const answer = await admin.call('PUT', '/admin/settings/store-banner', raw);
    expectRestError(answer, 400, 'VALIDATION_FAILED');
    expect(failedFields(answer.body)).toEqual(['items.0.constructor']);
  });
});

describe('integer bounds (item 6)', () => {
  it('answers 400 to an FAQ sortOrder past the integer column, and accepts its maximum', async () => {
    const over = await admin.call('POST', '/admin/legal/faq', {
      question: 'Q?',
      answer: 'A.',
      sortOrder: 2147483648,
    });
    expectRestError(over, 400, 'VALIDATION_FAILED');
    expect(failedFields(over.body)).toEqual(['sortOrder']);
    const max = await admin.call('POST', '/admin/legal/faq', {
      question: 'Q?',
      answer: 'A.',
      sortOrder: 2147483647,
    });
    expect(max.status).toBe(201);
    const patched = await admin.call('PATCH', `/admin/legal/faq/${max.body.id}`, { sortOrder: 2 ** 53 });
    expectRestError(patched, 400, 'VALIDATION_FAILED');
    expect(failedFields(patched.body)).toEqual(['sortOrder']);
  });

  it('answers 400 to out-of-range integers on the other integer inputs', async () => {
    const { product, prizes } = await makeKujiProduct(app.database.db);
    const { order } = await makeOrder(app.database.db);
    const cases: Array<[string, string, object, string]> = [
      [
        'PUT',
        '/admin/settings/store-banner',
        { enabled: true, items: [{ message: 'x', sortOrder: 2 ** 31, isActive: true }] },
        'items.0.sortOrder',
      ],
      [
        'PATCH',
        `/admin/products/${product.id}/kuji-prizes/${prizes[0]!.id}`,
        { sortOrder: 2 ** 31 },
        'sortOrder',
      ],
      ['POST', `/admin/orders/${order.id}/refund`, { amountCents: 2 ** 31 }, 'amountCents'],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await admin.call(method, path, body, { 'idempotency-key': randomUUID() });
      expectRestError(answer, 400, 'VALIDATION_FAILED');
      expect(failedFields(answer.body), path).toEqual([field]);
    }
  });
});

describe('wrong answers (item 7)', () => {
  it('answers 404 to deleting a kuji prize that does not exist or belongs to another product', async () => {
    const { product, prizes } = await makeKujiProduct(app.database.db);
    const other = await makeKujiProduct(app.database.db);
    const base = (id: string) => `/admin/products/${id}/kuji-prizes`;
    expectRestError(await admin.call('DELETE', `${base(product.id)}/${randomUUID()}`), 404, 'NOT_FOUND');
    expectRestError(
      await admin.call('DELETE', `${base(other.product.id)}/${prizes[0]!.id}`),
      404,
      'NOT_FOUND',
    );
    const still = await app.database.pool.query('select 1 from kuji_prizes where id = $1', [prizes[0]!.id]);
    expect(still.rowCount).toBe(1);
    const audit = await app.database.pool.query(
      `select 1 from admin_audit_log where action = 'kuji_prize.delete'`,
    );
    expect(audit.rowCount).toBe(0);
    // The real delete still works, once.
    const deleted = await admin.call('DELETE', `${base(product.id)}/${prizes[2]!.id}`);
    expect(deleted).toEqual({ status: 200, body: { id: prizes[2]!.id, deleted: true } });
    expectRestError(await admin.call('DELETE', `${base(product.id)}/${prizes[2]!.id}`), 404, 'NOT_FOUND');
  });

  it('answers 400 to an empty tagIds filter, and keeps ignoring other empty filters', async () => {
    const empty = await admin.call('GET', '/admin/products?tagIds=');
    expectRestError(empty, 400, 'VALIDATION_FAILED');
    expect(failedFields(empty.body)).toEqual(['tagIds']);
    expect((await admin.call('GET', '/admin/products?status=&cursor=')).status).toBe(200);
    expect((await admin.call('GET', `/admin/products?tagIds=${randomUUID()}`)).status).toBe(200);
  });

  it('says what is wrong with an out-of-range limit', async () => {
    for (const path of ['/api/v1/products?limit=100', '/api/v1/search?q=mug&limit=100']) {
      const answer = await get(path);
      expectRestError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.error.details.fields.limit).toEqual(['Must be at most 50']);
    }
    const low = await get('/api/v1/products?limit=0');
    expect(low.body.error.details.fields.limit).toEqual(['Must be at least 1']);
    const notInt = await get('/api/v1/products?limit=1.5');
    expect(notInt.body.error.details.fields.limit).toEqual(['Expected an integer']);
  });
});

describe('Checkout Session ids in logs (item 12)', () => {
  it('redacts session_id inside a tRPC input, URL-encoded or not, in the request log', async () => {
    const secret = `cs_test_${randomUUID().replaceAll('-', '')}`;
    logLines.length = 0;
    await get(`/api/trpc/public.checkout.success?input=${trpcInput({ session_id: secret })}`);
    await get(`/api/trpc/public.checkout.success?input={"session_id":"${secret}"}`);
    await get(
      `/api/trpc/public.catalog.home,public.checkout.success?batch=1&input=${trpcInput({ 1: { session_id: secret } })}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    const requestLines = logLines.filter((l) => l.req !== undefined);
    expect(requestLines).toHaveLength(3);
    expect(JSON.stringify(logLines)).not.toContain(secret);
    expect((requestLines[0]!.req as { url: string }).url).toBe(
      `/api/trpc/public.checkout.success?input=${encodeURIComponent('{"session_id":"')}%5BREDACTED%5D%22%7D`,
    );
  });
});
