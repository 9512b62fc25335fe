import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { rawRequest } from './support/raw-http.js';

/**
 * Issue 11 items 2 and 14, against the real procedures and the production rate-limit store. Requests go
 * through node:http so that the request target reaches the server exactly as written.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ app: { rateLimit: { store: 'postgres' } } });
});
afterAll(() => app?.close());

let nextIp = 1;
const newClient = () => `203.0.113.${nextIp++}`;

const contact = {
  firstName: 'Aiko',
  email: 'aiko@example.com',
  inquiryType: 'general',
  message: 'Do you restock the fox plush?',
};
const send = (method: string, path: string, ip: string, body?: unknown) =>
  rawRequest(app.url, method, path, { headers: { 'x-forwarded-for': ip }, ...(body ? { body } : {}) });
const storedMessages = async () =>
  Number((await app.database.pool.query('select count(*) from contact_messages')).rows[0].count);

describe('rate limits hold on the route that actually runs (item 14)', () => {
  it('refuses a dot-segment path to the contact operation: the 6th message in the window never goes through', async () => {
    const ip = newClient();
    const before = await storedMessages();
    for (let i = 0; i < 5; i++) expect((await send('POST', '/api/v1/contact', ip, contact)).status).toBe(200);

    for (const path of [
      '/api/v1/./contact',
      '/api/v1/%2e/contact',
      '/api/v1/%2E%2e/v1/contact',
      '/api/v1/x/../contact',
      '/api/./v1/contact',
      '/api/v1//contact',
      '/api/v1\\contact',
      'http://127.0.0.1/api/v1/./contact',
    ]) {
      const res = await send('POST', path, ip, contact);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('BAD_REQUEST');
    }
    expect((await send('POST', '/api/v1/contact', ip, contact)).status).toBe(429);
    expect(await storedMessages()).toBe(before + 5);
  });

  it('refuses dot-segment paths to checkout on both surfaces before the procedure runs', async () => {
    const ip = newClient();
    for (const path of [
      '/api/v1/./checkout/session',
      '/api/trpc/./public.checkout.createSession',
      '/api/trpc/%2e/public.checkout.createSession',
    ]) {
      const res = await send('POST', path, ip, { items: [] });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('BAD_REQUEST');
    }
  });

  it('counts a tRPC call by the procedure the adapter dispatches (the last path segment)', async () => {
    const ip = newClient();
    for (let i = 0; i < 5; i++) {
      expect((await send('POST', '/api/trpc/public.contact.submit', ip, contact)).status).toBe(200);
    }
    expect((await send('POST', '/api/trpc/./public.contact.submit', ip, contact)).status).toBe(400);
    const detour = await send('POST', '/api/trpc/anything/public.contact.submit', ip, contact);
    expect(detour.status).toBe(429);
    expect(detour.body.error.data.errorCode).toBe('RATE_LIMITED');
  });

  it('still serves canonical paths, trailing slash and case variants included', async () => {
    const ip = newClient();
    expect((await send('GET', '/api/v1/tags', ip)).status).toBe(200);
    expect((await send('GET', '/API/v1/Tags/', ip)).status).toBe(200);
    expect((await send('GET', '/api/v1/search?q=a/../b//c', ip)).status).toBe(200);
    expect((await send('GET', '/health', ip)).status).toBe(200);
  });
});

const homeBatch = (n: number) =>
  `/api/trpc/${Array.from({ length: n }, () => 'public.catalog.home').join(',')}?batch=1&input=%7B%7D`;

describe('tRPC batches are bounded and every call counts (item 2)', () => {
  it('refuses a 700-call batch with 400 before running anything, and counts nothing', async () => {
    const ip = newClient();
    const res = await send('GET', homeBatch(700), ip);
    expect(res.status).toBe(400);
    expect(res.body.error.data).toMatchObject({ httpStatus: 400, errorCode: 'BAD_REQUEST' });
    expect(res.headers['ratelimit']).toBeUndefined();

    const next = await send('GET', '/api/v1/tags', ip);
    expect(next.headers['ratelimit']).toMatch(/^limit=300, remaining=299,/);
  });

  it('runs a batch of 10 and counts each call against the global limit', async () => {
    const ip = newClient();
    const res = await send('GET', homeBatch(10), ip);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(10);
    expect(res.headers['ratelimit']).toMatch(/^limit=300, remaining=290,/);
    expect((await send('GET', homeBatch(11), ip)).status).toBe(400);
  });

  it('counts each contact call of a batch against the contact limit, refusing a batch that does not fit', async () => {
    const ip = newClient();
    const batch = (n: number) =>
      send(
        'POST',
        `/api/trpc/${Array(n).fill('public.contact.submit').join(',')}?batch=1`,
        ip,
        Object.fromEntries(Array.from({ length: n }, (_, i) => [i, contact])),
      );
    const first = await batch(3);
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(3);
    const tooMany = await batch(3); // 2 left in the window
    expect(tooMany.status).toBe(429);
    expect(
      tooMany.body.map((c: { error: { data: { errorCode: string } } }) => c.error.data.errorCode),
    ).toEqual(Array(3).fill('RATE_LIMITED'));
    expect((await send('POST', '/api/v1/contact', ip, contact)).status).toBe(429);
  });
});
