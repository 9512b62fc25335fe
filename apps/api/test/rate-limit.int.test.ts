import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { createDb } from '@popbox/db';
import { createApp } from '../src/app.js';
import type { AppRouter } from '../src/trpc/app-router.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

/**
 * Security rule 10 with the production store (PostgreSQL). The checkout and contact operations arrive with
 * their own issues, so stand-in handlers are mounted at their paths: the limiter only looks at the path.
 */
const standIns = Router()
  .post('/api/v1/checkout/session', (_req, res) => void res.status(201).json({ created: true }))
  .post('/api/v1/contact', (_req, res) => void res.json({ sent: true }));
/** The Stripe webhook is a raw-body route, mounted before the body parsers and the global limit. */
const webhookStandIn = Router().post(
  '/api/v1/webhooks/stripe',
  (_req, res) => void res.json({ received: true }),
);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    app: { rateLimit: { store: 'postgres' }, plainRoutes: [standIns], rawBodyRoutes: [webhookStandIn] },
  });
});
afterAll(() => app?.close());

let nextIp = 1;
/** Each test is its own client, one proxy hop away (trust proxy 1: the last X-Forwarded-For entry). */
const newClient = () => `198.51.100.${nextIp++}`;

function post(base: string, path: string, ip: string, body: unknown = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
}
const get = (path: string, ip: string, method = 'GET') =>
  fetch(`${app.url}${path}`, { method, headers: { 'x-forwarded-for': ip } });

async function times(n: number, send: () => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await send();
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

describe('checkout rate limit (60 per 10 minutes per IP)', () => {
  it('answers the 61st checkout from one IP with 429, draft-7 headers and the error body', async () => {
    const ip = newClient();
    const first = await post(app.url, '/api/v1/checkout/session', ip);
    expect(first.status).toBe(201);
    expect(first.headers.get('ratelimit-policy')).toBe('60;w=600');
    expect(first.headers.get('ratelimit')).toMatch(/^limit=60, remaining=59, reset=\d+$/);

    expect(await times(59, () => post(app.url, '/api/v1/checkout/session', ip))).toEqual(Array(59).fill(201));

    const limited = await post(app.url, '/api/v1/checkout/session', ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit')).toMatch(/^limit=60, remaining=0, reset=\d+$/);
    expect(limited.headers.get('ratelimit-policy')).toBe('60;w=600');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const legacy of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(limited.headers.get(legacy)).toBeNull();
    }
    const body = await json(limited);
    expect(body).toEqual({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        status: 429,
        message: expect.any(String),
        requestId: limited.headers.get('x-request-id'),
      },
    });

    // Another client is not affected.
    expect((await post(app.url, '/api/v1/checkout/session', newClient())).status).toBe(201);
  });

  it('shares one budget between REST and the tRPC createSession call, answering tRPC in its own shape', async () => {
    const ip = newClient();
    expect(await times(60, () => post(app.url, '/api/v1/checkout/session', ip))).toEqual(Array(60).fill(201));

    const single = await post(app.url, '/api/trpc/public.checkout.createSession', ip);
    expect(single.status).toBe(429);
    expect((await json(single)).error.data).toMatchObject({
      httpStatus: 429,
      errorCode: 'RATE_LIMITED',
      path: 'public.checkout.createSession',
    });

    const batch = await post(
      app.url,
      '/api/trpc/public.catalog.listTags,public.checkout.createSession?batch=1',
      ip,
    );
    expect(batch.status).toBe(429);
    const calls = await json(batch);
    expect(calls).toHaveLength(2);
    expect(calls[1].error.data).toMatchObject({
      errorCode: 'RATE_LIMITED',
      path: 'public.checkout.createSession',
    });

    // Other operations are not part of the checkout budget.
    expect((await get('/api/v1/tags', ip)).status).toBe(200);
  });

  it('gives tRPC clients a TRPCClientError carrying RATE_LIMITED', async () => {
    const ip = newClient();
    await times(60, () => post(app.url, '/api/v1/checkout/session', ip));
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${app.url}/api/trpc`, headers: { 'x-forwarded-for': ip } })],
    });
    // The procedure arrives with the checkout issue; the limiter answers before tRPC looks it up.
    type Untyped = { public: { checkout: { createSession: { mutate(input: unknown): Promise<unknown> } } } };
    const error = await (client as unknown as Untyped).public.checkout.createSession
      .mutate({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      httpStatus: 429,
      errorCode: 'RATE_LIMITED',
    });
  });

  it('counts simultaneous requests exactly: 80 at once → 60 pass, 20 refused', async () => {
    const ip = newClient();
    const responses = await Promise.all(
      Array.from({ length: 80 }, () => post(app.url, '/api/v1/checkout/session', ip)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('holds across several API replicas sharing the database', async () => {
    const replica: Server = createServer(
      createApp(app.deps, {
        logger: app.deps.logger as never,
        corsOrigin: 'http://shop.test',
        rateLimit: { store: 'postgres' },
        plainRoutes: [standIns],
      }),
    );
    await new Promise<void>((resolve) => replica.listen(0, '127.0.0.1', resolve));
    const replicaUrl = `http://127.0.0.1:${(replica.address() as AddressInfo).port}`;
    try {
      const ip = newClient();
      expect(await times(30, () => post(app.url, '/api/v1/checkout/session', ip))).toEqual(
        Array(30).fill(201),
      );
      expect(await times(30, () => post(replicaUrl, '/api/v1/checkout/session', ip))).toEqual(
        Array(30).fill(201),
      );
      expect((await post(replicaUrl, '/api/v1/checkout/session', ip)).status).toBe(429);
      expect((await post(app.url, '/api/v1/checkout/session', ip)).status).toBe(429);
    } finally {
      await new Promise((resolve) => replica.close(resolve));
    }
  });

  it('opens a new window once the previous one has ended', async () => {
    const ip = newClient();
    await times(60, () => post(app.url, '/api/v1/checkout/session', ip));
    expect((await post(app.url, '/api/v1/checkout/session', ip)).status).toBe(429);
    await app.database.pool.query(
      `update rate_limit_hits set reset_at = now() - interval '1 second' where key = $1`,
      [`checkout:${ip}`],
    );
    const again = await post(app.url, '/api/v1/checkout/session', ip);
    expect(again.status).toBe(201);
    expect(again.headers.get('ratelimit')).toMatch(/remaining=59/);
  });
});

describe('contact rate limit (5 per 10 minutes per IP)', () => {
  it('refuses the 6th message', async () => {
    const ip = newClient();
    expect(await times(6, () => post(app.url, '/api/v1/contact', ip))).toEqual([
      200, 200, 200, 200, 200, 429,
    ]);
  });

  it('keys clients by the address the one trusted proxy hop saw, so a forged X-Forwarded-For does not help', async () => {
    const ip = newClient();
    await times(5, () => post(app.url, '/api/v1/contact', `10.0.0.1, ${ip}`));
    expect((await post(app.url, '/api/v1/contact', `10.9.9.9, ${ip}`)).status).toBe(429);
    expect((await post(app.url, '/api/v1/contact', newClient())).status).toBe(200);
  });
});

describe('webhook rate limit (600 per minute per IP)', () => {
  it('refuses the 601st call, without spending the global budget', async () => {
    const ip = newClient();
    // The real webhook route answers these unsigned posts 400: the limiter counts them all the same.
    const statuses = await times(601, () => post(app.url, '/api/v1/webhooks/stripe', ip));
    expect(statuses.slice(0, 600).every((s) => s !== 429)).toBe(true);
    expect(statuses[600]).toBe(429);
    const other = await get('/api/v1/tags', ip);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toMatch(/^limit=300, remaining=299/);
  });
});

describe('global rate limit (300 per 5 minutes per IP)', () => {
  it('limits every other route but never the health probes', async () => {
    const ip = newClient();
    const statuses = await times(301, () => get('/api/v1/openapi.json', ip));
    expect(statuses.slice(0, 300).every((s) => s === 200)).toBe(true);
    expect(statuses[300]).toBe(429);
    expect((await get('/api/v1/tags', ip)).status).toBe(429);

    for (const [method, path] of [
      ['GET', '/health'],
      ['HEAD', '/health'],
      ['GET', '/ready'],
      ['HEAD', '/ready'],
    ] as const) {
      const res = await get(path, ip, method);
      expect(res.status, `${method} ${path}`).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
  });
});

describe('global limit shared by replicas (counted in the process, flushed in batches)', () => {
  it('learns the hits another replica counted within a flush interval, and stores them with one write per flush', async () => {
    const replica: Server = createServer(
      createApp(app.deps, {
        logger: app.deps.logger as never,
        corsOrigin: 'http://shop.test',
        rateLimit: { store: 'postgres' },
      }),
    );
    await new Promise<void>((resolve) => replica.listen(0, '127.0.0.1', resolve));
    const replicaUrl = `http://127.0.0.1:${(replica.address() as AddressInfo).port}`;
    const db = createDb(app.database.url, { max: 1 });
    try {
      const ip = newClient();
      const getFrom = (base: string) => () =>
        fetch(`${base}/api/v1/openapi.json`, { headers: { 'x-forwarded-for': ip } });
      expect(await times(200, getFrom(app.url))).toEqual(Array(200).fill(200));
      // The first replica's hits reach the shared table within one flush interval (200 ms)…
      await new Promise((r) => setTimeout(r, 400));
      const row = await db.pool.query<{ hits: number }>('select hits from rate_limit_hits where key = $1', [
        `global:${ip}`,
      ]);
      expect(row.rows[0]?.hits).toBe(200);
      // …and the second replica refuses the 301st request of the client's one budget.
      expect(await times(100, getFrom(replicaUrl))).toEqual(Array(100).fill(200));
      await new Promise((r) => setTimeout(r, 400));
      const refused = await times(2, getFrom(replicaUrl));
      expect(refused).toEqual([429, 429]);
    } finally {
      await new Promise((resolve) => replica.close(resolve));
      await db.close();
    }
  });
});

describe('when the database cannot count', () => {
  it('serves requests rather than refusing them', async () => {
    const unreachable = createDb('postgres://postgres@127.0.0.1:1/nowhere', {
      max: 1,
      onPoolError: () => {},
    });
    const offline = await startTestApp({
      deps: { db: unreachable.db },
      app: { rateLimit: { store: 'postgres' } },
    });
    try {
      const res = await fetch(`${offline.url}/api/v1/openapi.json`);
      // Served: the global limit counts in the process and its flush fails quietly.
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toMatch(/^limit=300, remaining=299/);
    } finally {
      await offline.close();
      await unreachable.close();
    }
  });
});
