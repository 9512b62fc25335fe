import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder, makeProduct, makeTicket } from '@popbox/db/testing';
import { orderAccessUrl, signAccessToken, signSessionToken } from '@popbox/domain';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
let paidOrder: Awaited<ReturnType<typeof makeOrder>>['order'];
let otherOrder: Awaited<ReturnType<typeof makeOrder>>['order'];
let prizeNames: string[];

beforeAll(async () => {
  app = await startTestApp();
  const db = app.database.db;
  const figure = await makeProduct(db, {
    product: { name: 'Moon Figure', priceCents: 4500 },
    images: [{ altText: 'Moon' }],
  });
  const kuji = await makeKujiProduct(db);
  const made = await makeOrder(db, {
    lines: [
      { product: figure, quantity: 1 },
      { product: kuji.product, quantity: 2 },
    ],
  });
  paidOrder = made.order;
  const kujiItem = made.items[1]!;
  await makeTicket(db, { order: paidOrder, item: kujiItem, prize: kuji.prizes[0]!, revealedAt: new Date() });
  await makeTicket(db, { order: paidOrder, item: kujiItem, prize: kuji.prizes[1]! });
  prizeNames = kuji.prizes.map((p) => p.name);
  otherOrder = (await makeOrder(db, { lines: [{ product: figure, quantity: 2 }] })).order;
});
afterAll(() => app?.close());

const accessLink = (order: { publicId: string; accessTokenVersion: number }) =>
  orderAccessUrl(app.deps, order);
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function bootstrap(publicId: string, opts: { token?: string; header?: string; cookie?: string } = {}) {
  const qs = opts.token !== undefined ? `?token=${encodeURIComponent(opts.token)}` : '';
  return fetch(`${app.url}/api/v1/orders/${publicId}/access${qs}`, {
    redirect: 'manual',
    headers: {
      ...(opts.header ? { 'x-order-token': opts.header } : {}),
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
    },
  });
}

function sessionCookie(res: Response): string | null {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('guest_order_session='));
  return raw ? raw.split(';')[0]! : null;
}

const getOrder = (publicId: string, cookie?: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/v1/orders/${publicId}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

describe('guest order access bootstrap (B10, F8)', () => {
  it('swaps a valid emailed token for an HttpOnly session cookie and redirects to the clean URL', async () => {
    const res = await bootstrap(paidOrder.publicId, { token: tokenOf(accessLink(paidOrder)) });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://shop.test/orders/${paidOrder.publicId}`);
    const raw = res.headers.getSetCookie().find((c) => c.startsWith('guest_order_session='))!;
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(raw).toMatch(/Path=\//);
    expect(raw).toMatch(/Max-Age=15552000/);
    expect(raw).not.toMatch(/Secure/);
  });

  it('accepts the token in the x-order-token header too', async () => {
    const res = await bootstrap(paidOrder.publicId, { header: tokenOf(accessLink(paidOrder)) });
    expect(res.status).toBe(302);
    expect(sessionCookie(res)).not.toBeNull();
  });

  it('answers 401 with neither token nor cookie, for an invalid token, and for an unknown order', async () => {
    expect((await bootstrap(paidOrder.publicId)).status).toBe(401);
    const forged = await bootstrap(paidOrder.publicId, { token: 'eyJ2IjoidjEifQ.AAAA' });
    expect(forged.status).toBe(401);
    expect((await json(forged)).error.code).toBe('ORDER_ACCESS_DENIED');
    const foreign = await bootstrap(paidOrder.publicId, { token: tokenOf(accessLink(otherOrder)) });
    expect(foreign.status).toBe(401);
    const unknown = await bootstrap('PBX-NOSUCHORDR', { token: tokenOf(accessLink(paidOrder)) });
    expect(unknown.status).toBe(401);
  });

  it('rejects an empty token parameter with 400', async () => {
    const res = await bootstrap(paidOrder.publicId, { token: '' });
    expect(res.status).toBe(400);
  });

  it('refuses an expired access token', async () => {
    const old = signAccessToken(app.deps.config.orderTokenPepper, {
      publicId: paidOrder.publicId,
      version: 1,
      now: new Date(Date.now() - 200 * 24 * 3600 * 1000),
      lifetimeMs: 180 * 24 * 3600 * 1000,
    });
    expect((await bootstrap(paidOrder.publicId, { token: old })).status).toBe(401);
  });

  it('redirects without a token when the cookie already grants the order', async () => {
    const cookie = sessionCookie(
      await bootstrap(paidOrder.publicId, { token: tokenOf(accessLink(paidOrder)) }),
    )!;
    const res = await bootstrap(paidOrder.publicId, { cookie });
    expect(res.status).toBe(302);
  });

  it('keeps both orders in one browser: the second bootstrap adds to the session', async () => {
    const first = sessionCookie(
      await bootstrap(paidOrder.publicId, { token: tokenOf(accessLink(paidOrder)) }),
    )!;
    const second = sessionCookie(
      await bootstrap(otherOrder.publicId, { token: tokenOf(accessLink(otherOrder)), cookie: first }),
    )!;
    expect((await getOrder(paidOrder.publicId, second)).status).toBe(200);
    expect((await getOrder(otherOrder.publicId, second)).status).toBe(200);
  });
});

describe('guest order view', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = sessionCookie(await bootstrap(paidOrder.publicId, { token: tokenOf(accessLink(paidOrder)) }))!;
  });

  it('requires the session cookie: URL tokens and x-order-token are not accepted', async () => {
    const token = tokenOf(accessLink(paidOrder));
    const noCookie = await getOrder(paidOrder.publicId);
    expect(noCookie.status).toBe(401);
    expect((await json(noCookie)).error.code).toBe('ORDER_ACCESS_DENIED');
    expect((await fetch(`${app.url}/api/v1/orders/${paidOrder.publicId}?token=${token}`)).status).toBe(401);
    expect((await getOrder(paidOrder.publicId, undefined, { 'x-order-token': token })).status).toBe(401);
  });

  it('answers 401 for an unknown order and for an order the cookie does not grant', async () => {
    expect((await getOrder('PBX-NOSUCHORDR', cookie)).status).toBe(401);
    expect((await getOrder(otherOrder.publicId, cookie)).status).toBe(401);
  });

  it('clears a cookie that is not a valid session and answers 401', async () => {
    const res = await getOrder(paidOrder.publicId, 'guest_order_session=garbage.value');
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => /^guest_order_session=;/.test(c))).toBe(true);
  });

  it('shows the order with items and images, masking every unrevealed prize', async () => {
    const res = await getOrder(paidOrder.publicId, cookie);
    expect(res.status).toBe(200);
    const view = await json(res);
    expect(view).toMatchObject({ publicId: paidOrder.publicId, status: 'paid', shippingAddress: null });
    expect(view.items).toHaveLength(2);
    expect(view.items[0]).toMatchObject({ productName: 'Moon Figure', imageAltText: 'Moon' });
    expect(view.items[0].imageUrl).toMatch(/^http:\/\/media\.test\/media\/products\//);
    expect(view.tickets).toHaveLength(2);
    const [revealed, hidden] = view.tickets;
    expect(revealed.prize).toMatchObject({ prizeCode: 'A1' });
    expect(hidden.prize).toBeNull();
    expect(hidden.kujiProduct.imageAltText).toBe(hidden.kujiProduct.name);
    // No prize identity anywhere in the payload for the unrevealed ticket.
    const text = JSON.stringify(view);
    const unrevealedPrize = prizeNames[1]!;
    expect(text).not.toContain(unrevealedPrize);
    expect(view.tickets[1]).not.toHaveProperty('deckPosition');
  });

  it('serves the same view over tRPC with the cookie', async () => {
    const res = await fetch(
      `${app.url}/api/trpc/order.orders.get?input=${encodeURIComponent(JSON.stringify({ publicId: paidOrder.publicId }))}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    expect((await json(res)).result.data.publicId).toBe(paidOrder.publicId);
  });

  it('revokes earlier links and cookies when the order access version is bumped', async () => {
    const setVersion = (v: number) =>
      app.database.pool.query('UPDATE orders SET access_token_version = $1 WHERE id = $2', [v, paidOrder.id]);
    const oldLink = accessLink(paidOrder);
    await setVersion(2);
    try {
      expect((await getOrder(paidOrder.publicId, cookie)).status).toBe(401);
      expect((await bootstrap(paidOrder.publicId, { token: tokenOf(oldLink) })).status).toBe(401);
      expect((await bootstrap(paidOrder.publicId, { cookie })).status).toBe(401);
      const fresh = await bootstrap(paidOrder.publicId, {
        token: tokenOf(accessLink({ ...paidOrder, accessTokenVersion: 2 })),
        cookie,
      });
      expect(fresh.status).toBe(302);
      expect((await getOrder(paidOrder.publicId, sessionCookie(fresh)!)).status).toBe(200);
    } finally {
      await setVersion(1);
    }
  });

  it('refuses a session signed with another pepper', async () => {
    const forged = signSessionToken('not-the-real-pepper-123456', {
      grants: [],
      add: { p: paidOrder.publicId, ver: 1 },
      now: new Date(),
      lifetimeMs: 3600_000,
    });
    expect((await getOrder(paidOrder.publicId, `guest_order_session=${forged}`)).status).toBe(401);
  });
});
