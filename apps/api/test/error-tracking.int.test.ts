import * as Sentry from '@sentry/node';
import { Router } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Database } from '@popbox/db';
import { DomainError } from '@popbox/domain';
import { captureFlowFailure, initErrorTracking } from '../src/observability/sentry.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';
import { fakeSentryTransport } from './support/fake-sentry.js';

/**
 * Error tracking (B22) through the real SDK and a fake transport: what is reported, and that nothing secret
 * ever leaves. Every secret below contains MARK; no envelope may contain it. (MARK is assembled at run
 * time: the SDK sends source lines around each frame, and this file's source must not contain it.)
 */
const MARK = ['s3', 'kr1t'].join('');
const SECRETS = {
  token: `tok-${MARK}-1`,
  cookie: `pbx_order_session=cookie-${MARK}-2`,
  authorization: `Bearer jwt-${MARK}-3`,
  orderToken: `ot-${MARK}-4`,
  sessionId: `cs_${MARK}_5`,
  checkoutSessionId: `cs_${MARK}_6`,
};
const SECRET_HEADERS = {
  cookie: SECRETS.cookie,
  authorization: SECRETS.authorization,
  'x-order-token': SECRETS.orderToken,
  'stripe-signature': 't=1,v1=kept-signature',
};
const SECRET_QUERY = `token=${SECRETS.token}&session_id=${SECRETS.sessionId}&checkout_session_id=${SECRETS.checkoutSessionId}&page=2`;

const sentry = fakeSentryTransport();

const testRoutes = Router()
  .get('/test/boom/:n', (req) => {
    throw new Error(`kaboom ${req.params.n}: internal detail`);
  })
  .get('/test/client-error/:shape', (req) => {
    const shapes: Record<string, object> = {
      status: { status: 404 },
      statusCode: { statusCode: 409 },
      status_code: { status_code: '403' },
      output: { output: { statusCode: 401 } },
      domain: new DomainError('OUT_OF_STOCK', 'not enough inventory'),
    };
    throw Object.assign(new Error('expected'), shapes[req.params.shape] ?? {});
  })
  .get('/test/crumbs', () => {
    Sentry.addBreadcrumb({
      category: 'http',
      message: `GET https://api.stripe.test/v1/checkout/sessions?token=${SECRETS.token}`,
      data: {
        url: `https://api.stripe.test/v1/checkout/sessions?checkout_session_id=${SECRETS.checkoutSessionId}`,
        from: `/checkout/success?session_id=${SECRETS.sessionId}`,
        to: `/orders/PBX-1/access?token=${SECRETS.token}`,
        headers: { ...SECRET_HEADERS },
      },
    });
    throw new Error('after a breadcrumb');
  })
  .post('/test/checkout-failure', (_req, _res, next) => {
    const error = new DomainError('UPSTREAM_FAILED', 'stripe said no');
    captureFlowFailure('checkout_session_create', error, {
      orderId: '3f2c4a52-9d43-4d6e-9a53-0d1c8f4e9a11',
      orderPublicId: 'PBX-ABC123',
      unused: undefined,
    });
    next(error); // the route then fails as usual: still one event
  });

let app: TestApp;
let broken: TestApp;
let unreachable: Database;

beforeAll(async () => {
  const state = await initErrorTracking({
    dsn: 'https://public@o0.ingest.sentry.io/1',
    environment: 'production',
    release: 'popbox@test',
    production: true,
    transport: sentry.transport,
    tracesSampleRate: 1,
  });
  expect(state).toBe('enabled');
  app = await startTestApp({ app: { plainRoutes: [testRoutes] } });
  // A second app whose database never answers: every procedure fails with an unexpected error.
  unreachable = createDb('postgres://postgres@127.0.0.1:1/nowhere', { max: 1, onPoolError: () => {} });
  broken = await startTestApp({ deps: { db: unreachable.db } });
});
afterAll(async () => {
  await app?.close();
  await broken?.close();
  await unreachable?.close();
  await Sentry.close(2000);
});
/**
 * The SDK drops an event identical to the one just before it (Dedupe): start each test after a different
 * event, so every test sees exactly what it caused.
 */
beforeEach(async () => {
  Sentry.captureMessage('test separator');
  await Sentry.flush(2000);
  sentry.clear();
});

async function flushed() {
  await Sentry.flush(2000);
  return sentry.errorEvents();
}

function expectNothingSecretSent() {
  expect(sentry.raw.length).toBeGreaterThan(0);
  for (const envelope of sentry.raw) expect(envelope).not.toContain(MARK);
}

describe('reported errors', () => {
  it('reports an unexpected error once, with the request id, and answers a generic 500', async () => {
    const res = await fetch(`${app.url}/test/boom/1?${SECRET_QUERY}`, { headers: SECRET_HEADERS });
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'INTERNAL', message: 'Internal server error' });
    expect(JSON.stringify(body)).not.toContain('kaboom');

    const events = await flushed();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.exception?.values?.[0]?.value).toContain('kaboom');
    expect(event.tags?.request_id).toBe(res.headers.get('x-request-id'));
    expect(event.environment).toBe('production');
    expect(event.release).toBe('popbox@test');
    expectNothingSecretSent();
  });

  it('sanitises the request of an event: secret query values and credential headers, nothing else', async () => {
    await fetch(`${app.url}/test/boom/2?${SECRET_QUERY}`, { headers: SECRET_HEADERS });
    const [event] = await flushed();
    const request = event!.request!;
    expect(request.url).toMatch(
      /\/test\/boom\/2\?token=%5BREDACTED%5D&session_id=%5BREDACTED%5D&checkout_session_id=%5BREDACTED%5D&page=2$/,
    );
    expect(request.query_string).toBe(
      'token=%5BREDACTED%5D&session_id=%5BREDACTED%5D&checkout_session_id=%5BREDACTED%5D&page=2',
    );
    const headers = request.headers ?? {};
    expect(headers.authorization).toBe('[REDACTED]');
    expect(headers['x-order-token']).toBe('[REDACTED]');
    // Cookies are not collected at all (dataCollection.cookies: false); were they, they would be redacted.
    expect(headers.cookie ?? '[REDACTED]').toBe('[REDACTED]');
    expect(headers['stripe-signature']).toBe('t=1,v1=kept-signature');
    expectNothingSecretSent();
  });

  it('reports a tRPC procedure that fails unexpectedly, tagged with the procedure', async () => {
    const res = await fetch(`${broken.url}/api/trpc/public.catalog.listCollections?${SECRET_QUERY}`, {
      headers: SECRET_HEADERS,
    });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await json(res))).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:1/);
    const events = await flushed();
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({
      procedure: 'public.catalog.listCollections',
      request_id: res.headers.get('x-request-id'),
    });
    expectNothingSecretSent();
  });

  it('redacts a Checkout Session id sent inside a tRPC input, URL-encoded or raw (issue 11, item 12)', async () => {
    const input = JSON.stringify({ session_id: SECRETS.sessionId });
    for (const [n, query] of [`input=${encodeURIComponent(input)}`, `input=${input}`].entries()) {
      // The procedure's transaction (span) carries the URL; the failing route's error event carries it too.
      await (await fetch(`${app.url}/api/trpc/public.checkout.success?${query}`)).text();
      expect((await fetch(`${app.url}/test/boom/${3 + n}?${query}`)).status).toBe(500);
    }
    const events = await flushed();
    expect(events).toHaveLength(2);
    expect(events[0]!.request?.url).toContain('input=%7B%22session_id%22%3A%22%5BREDACTED%5D%22%7D');
    expectNothingSecretSent();
  });

  it('reports a REST operation that fails unexpectedly, answering a generic 500', async () => {
    const res = await fetch(`${broken.url}/api/v1/tags`, { headers: SECRET_HEADERS });
    expect(res.status).toBe(500);
    expect((await json(res)).error).toMatchObject({ code: 'INTERNAL', message: 'Internal server error' });
    const events = await flushed();
    expect(events).toHaveLength(1);
    expect(events[0]!.tags?.procedure).toBe('public.catalog.listTags');
    expectNothingSecretSent();
  });

  it('sanitises breadcrumbs: url, from, to, headers and messages', async () => {
    await fetch(`${app.url}/test/crumbs`);
    const [event] = await flushed();
    const crumb = event!.breadcrumbs!.find((b) => b.message?.includes('api.stripe.test'))!;
    expect(crumb.message).toContain('token=%5BREDACTED%5D');
    expect(crumb.data).toMatchObject({
      url: 'https://api.stripe.test/v1/checkout/sessions?checkout_session_id=%5BREDACTED%5D',
      from: '/checkout/success?session_id=%5BREDACTED%5D',
      to: '/orders/PBX-1/access?token=%5BREDACTED%5D',
      headers: {
        cookie: '[REDACTED]',
        authorization: '[REDACTED]',
        'x-order-token': '[REDACTED]',
        'stripe-signature': 't=1,v1=kept-signature',
      },
    });
    expectNothingSecretSent();
  });

  it('sends sanitised transactions (streamed spans)', async () => {
    await fetch(`${app.url}/api/v1/openapi.json?${SECRET_QUERY}`, { headers: SECRET_HEADERS });
    // The server span ends after the response is sent and spans are delivered in batches: wait for it.
    let spans: ReturnType<typeof sentry.items> = [];
    for (let i = 0; i < 50 && spans.length === 0; i++) {
      await Sentry.flush(200);
      spans = sentry.items().filter((item) => item.type === 'span');
    }
    console.log(
      'ITEMTYPES',
      sentry.items().map((i) => i.type),
    );
    expect(spans.length).toBeGreaterThan(0);
    expect(JSON.stringify(spans)).toContain('token=%5BREDACTED%5D');
    expectNothingSecretSent();
  });
});

describe('explicit flow captures', () => {
  it('reports a checkout session failure once, tagged with its flow and carrying the order ids', async () => {
    const res = await fetch(`${app.url}/test/checkout-failure`, { method: 'POST', headers: SECRET_HEADERS });
    expect(res.status).toBe(502);
    // A provider failure that names no provider still says what happened, never a bare "Bad gateway".
    expect((await json(res)).error).toMatchObject({
      code: 'UPSTREAM_FAILED',
      message: 'An external provider could not be reached; please try again',
    });
    const events = await flushed();
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({
      flow: 'checkout_session_create',
      request_id: res.headers.get('x-request-id'),
    });
    expect(events[0]!.extra).toEqual({
      orderId: '3f2c4a52-9d43-4d6e-9a53-0d1c8f4e9a11',
      orderPublicId: 'PBX-ABC123',
    });
    expectNothingSecretSent();
  });

  it('reports a webhook failure with its extras', async () => {
    captureFlowFailure('stripe_webhook', new Error('finalisation failed'), {
      eventId: 'evt_1',
      eventType: 'checkout.session.completed',
      objectId: SECRETS.checkoutSessionId.replace('SECRET', 'id'),
      orderId: null,
    });
    const [event] = await flushed();
    expect(event!.tags).toMatchObject({ flow: 'stripe_webhook' });
    expect(event!.extra).toMatchObject({ eventId: 'evt_1', eventType: 'checkout.session.completed' });
  });
});

describe('never reported', () => {
  it('does not report a malformed JSON body (400) or an oversize body (413)', async () => {
    const malformed = await fetch(`${app.url}/api/v1/collections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"items": [',
    });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe('MALFORMED_JSON');

    const oversize = await fetch(`${app.url}/api/trpc/public.catalog.listCollections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(oversize.status).toBe(413);
    expect((await json(oversize)).error.code).toBe('PAYLOAD_TOO_LARGE');

    expect(await flushed()).toEqual([]);
  });

  it('does not report unmatched routes or expected 4xx errors, whatever shape carries the status', async () => {
    expect((await fetch(`${app.url}/no/such/route?${SECRET_QUERY}`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/v1/legal/not-a-type`)).status).toBe(400);
    for (const [shape, status] of [
      ['status', 404],
      ['statusCode', 409],
      ['status_code', 403],
      ['output', 401],
      ['domain', 409],
    ] as const) {
      expect((await fetch(`${app.url}/test/client-error/${shape}`)).status, shape).toBe(status);
    }
    expect(await flushed()).toEqual([]);
  });
});
