import { describe, expect, it } from 'vitest';
import type { Breadcrumb, Event } from '@sentry/node';
import { sanitizeBreadcrumb, sanitizeEvent, sanitizeSpan } from './sanitize.js';
import { redactQueryValues } from './redact.js';

const R = '[REDACTED]';
const R_URL = '%5BREDACTED%5D';

describe('redactQueryValues', () => {
  it('replaces token, session_id and checkout_session_id values in URLs, keeping everything else', () => {
    expect(redactQueryValues('https://api.test/api/v1/orders/PBX-1/access?token=abc.def&x=1#top')).toBe(
      `https://api.test/api/v1/orders/PBX-1/access?token=${R_URL}&x=1#top`,
    );
    expect(redactQueryValues('/api/v1/checkout/success?session_id=cs_test_123')).toBe(
      `/api/v1/checkout/success?session_id=${R_URL}`,
    );
    expect(redactQueryValues('/x?a=1&checkout_session_id=cs_1&b=2&token=')).toBe(
      `/x?a=1&checkout_session_id=${R_URL}&b=2&token=${R_URL}`,
    );
  });

  it('rewrites bare query strings and URLs inside text, and leaves look-alike names alone', () => {
    expect(redactQueryValues('token=abc&page=2')).toBe(`token=${R_URL}&page=2`);
    expect(redactQueryValues('GET /a?token=abc failed')).toBe(`GET /a?token=${R_URL} failed`);
    expect(redactQueryValues('/a?csrf_token=abc&my_session_id=1')).toBe('/a?csrf_token=abc&my_session_id=1');
    expect(redactQueryValues('/plain/path')).toBe('/plain/path');
  });

  it('redacts secret fields inside tRPC JSON inputs, raw and URL-encoded, batched or not', () => {
    const input = JSON.stringify({ session_id: 'cs_test_a1B2' });
    expect(redactQueryValues(`/api/trpc/public.checkout.success?input=${encodeURIComponent(input)}`)).toBe(
      `/api/trpc/public.checkout.success?input=%7B%22session_id%22%3A%22${R_URL}%22%7D`,
    );
    expect(redactQueryValues(`/api/trpc/public.checkout.success?input=${input}`)).toBe(
      `/api/trpc/public.checkout.success?input={"session_id":"${R}"}`,
    );
    const batch = encodeURIComponent(JSON.stringify({ 0: { q: 'x' }, 1: { session_id: 'cs_live_9' } }));
    const redacted = redactQueryValues(`/api/trpc/a,b?batch=1&input=${batch}`);
    expect(redacted).not.toContain('cs_live_9');
    expect(decodeURIComponent(redacted)).toContain(`"q":"x"`);
    // Half-encoded, with spaces, and another secret name.
    expect(redactQueryValues('input={%22token%22 : %22abc%22}')).toBe(`input={%22token%22 : %22${R_URL}%22}`);
    expect(redactQueryValues('{"session_id": "cs_\\"x"}')).toBe(`{"session_id": "${R}"}`);
    expect(redactQueryValues('{"my_session_id":"keep"}')).toBe('{"my_session_id":"keep"}');
  });
});

describe('sanitizeEvent (error events)', () => {
  const event = (): Event => ({
    event_id: 'e1',
    message: 'failed GET /api/v1/orders/PBX-1/access?token=tok-secret',
    request: {
      url: 'https://api.test/api/v1/checkout/success?session_id=cs_secret&lang=en',
      method: 'GET',
      query_string: 'session_id=cs_secret&lang=en',
      headers: {
        Authorization: 'Bearer jwt-secret',
        cookie: 'pbx_order_session=cookie-secret',
        'Set-Cookie': 'pbx_order_session=cookie-secret; HttpOnly',
        'X-Order-Token': 'order-token-secret',
        'stripe-signature': 't=1,v1=abc',
        'user-agent': 'vitest',
      },
    },
  });

  it('redacts credential headers case-insensitively and leaves other headers untouched', () => {
    const out = sanitizeEvent(event());
    expect(out.request?.headers).toEqual({
      Authorization: R,
      cookie: R,
      'Set-Cookie': R,
      'X-Order-Token': R,
      'stripe-signature': 't=1,v1=abc',
      'user-agent': 'vitest',
    });
  });

  it('redacts secret query values in the URL (URL-encoded) and in the query string', () => {
    const out = sanitizeEvent(event());
    expect(out.request?.url).toBe(`https://api.test/api/v1/checkout/success?session_id=${R_URL}&lang=en`);
    expect(out.request?.query_string).toBe(`session_id=${R_URL}&lang=en`);
    expect(out.message).toBe(`failed GET /api/v1/orders/PBX-1/access?token=${R_URL}`);
  });

  it('rewrites query strings given as a record or as pairs', () => {
    const asRecord = sanitizeEvent({ request: { query_string: { token: 'a', page: '2' } } });
    expect(asRecord.request?.query_string).toEqual({ token: R, page: '2' });
    const asPairs = sanitizeEvent({
      request: {
        query_string: [
          ['checkout_session_id', 'cs_1'],
          ['page', '2'],
        ],
      },
    });
    expect(asPairs.request?.query_string).toEqual([
      ['checkout_session_id', R],
      ['page', '2'],
    ]);
  });

  it('redacts cookies and secret-named fields wherever they appear', () => {
    const out = sanitizeEvent({
      request: { cookies: { pbx_order_session: 'c1', other: 'c2' } },
      extra: { password: 'p', nested: { apiKey: 'k', fine: 'ok' } },
    });
    expect(out.request?.cookies).toEqual({ pbx_order_session: R, other: R });
    expect(out.extra).toEqual({ password: R, nested: { apiKey: R, fine: 'ok' } });
  });

  it('never adds a field that was absent', () => {
    const out = sanitizeEvent({ request: { url: '/api/v1/products', method: 'GET' } });
    expect(out).toEqual({ request: { url: '/api/v1/products', method: 'GET' } });
    expect(sanitizeEvent({ message: 'boom' })).toEqual({ message: 'boom' });
  });

  it('sanitises the breadcrumbs an event carries', () => {
    const out = sanitizeEvent({
      breadcrumbs: [{ category: 'http', data: { url: '/a?token=t1', method: 'GET', status_code: 200 } }],
    });
    expect(out.breadcrumbs?.[0]?.data).toEqual({ url: `/a?token=${R_URL}`, method: 'GET', status_code: 200 });
  });
});

describe('sanitizeEvent (transaction events)', () => {
  it('redacts URLs, queries and headers in the request, span attributes and trace data', () => {
    const transaction: Event = {
      type: 'transaction',
      transaction: 'GET /api/v1/checkout/success',
      request: { url: 'http://api.test/api/v1/checkout/success?session_id=cs_1', headers: { cookie: 'x' } },
      contexts: {
        trace: {
          trace_id: 't',
          span_id: 's',
          data: { 'url.full': 'http://api.test/x?session_id=cs_1', 'url.query': 'session_id=cs_1' },
        },
      },
      spans: [
        {
          span_id: 's2',
          trace_id: 't',
          start_timestamp: 1,
          status: 'ok',
          data: { 'http.url': 'https://api.stripe.test/v1/x?token=t2', 'http.query': '?token=t2&a=1' },
        },
      ],
    };
    const out = sanitizeEvent(transaction);
    expect(out.transaction).toBe('GET /api/v1/checkout/success');
    expect(out.request).toEqual({
      url: `http://api.test/api/v1/checkout/success?session_id=${R_URL}`,
      headers: { cookie: R },
    });
    expect(out.contexts?.trace?.data).toEqual({
      'url.full': `http://api.test/x?session_id=${R_URL}`,
      'url.query': `session_id=${R_URL}`,
    });
    expect(out.spans?.[0]?.data).toEqual({
      'http.url': `https://api.stripe.test/v1/x?token=${R_URL}`,
      'http.query': `?token=${R_URL}&a=1`,
    });
  });
});

describe('sanitizeSpan (streamed transaction spans)', () => {
  it('redacts URLs in the name and attributes, and credential header attributes', () => {
    const span = sanitizeSpan({
      trace_id: 't',
      span_id: 's',
      name: 'GET /api/v1/checkout/success?session_id=cs_1',
      start_timestamp: 1,
      status: 'ok',
      is_segment: true,
      attributes: {
        'url.full': 'http://api.test/api/v1/checkout/success?session_id=cs_1',
        'url.query': 'session_id=cs_1',
        'http.request.header.cookie': 'pbx=1',
        'http.request.header.x_order_token': 't',
        'http.request.header.stripe-signature': 'sig',
        'http.response.status_code': 200,
      },
    });
    expect(span.name).toBe(`GET /api/v1/checkout/success?session_id=${R_URL}`);
    expect(span.attributes).toEqual({
      'url.full': `http://api.test/api/v1/checkout/success?session_id=${R_URL}`,
      'url.query': `session_id=${R_URL}`,
      'http.request.header.cookie': R,
      'http.request.header.x_order_token': R,
      'http.request.header.stripe-signature': 'sig',
      'http.response.status_code': 200,
    });
  });
});

describe('sanitizeBreadcrumb', () => {
  it('sanitises url, from, to and headers, leaving other data alone', () => {
    const crumb: Breadcrumb = {
      category: 'navigation',
      message: 'to /orders/PBX-1/access?token=abc',
      data: {
        from: '/checkout/success?session_id=cs_1',
        to: '/orders/PBX-1/access?token=abc',
        url: 'https://api.test/a?checkout_session_id=cs_2&ok=1',
        headers: { Cookie: 'c', 'x-order-token': 't', 'stripe-signature': 'sig', accept: '*/*' },
        status_code: 500,
      },
    };
    expect(sanitizeBreadcrumb(crumb)).toEqual({
      category: 'navigation',
      message: `to /orders/PBX-1/access?token=${R_URL}`,
      data: {
        from: `/checkout/success?session_id=${R_URL}`,
        to: `/orders/PBX-1/access?token=${R_URL}`,
        url: `https://api.test/a?checkout_session_id=${R_URL}&ok=1`,
        headers: { Cookie: R, 'x-order-token': R, 'stripe-signature': 'sig', accept: '*/*' },
        status_code: 500,
      },
    });
  });

  it('never adds absent fields', () => {
    expect(sanitizeBreadcrumb({ category: 'console', message: 'hello' })).toEqual({
      category: 'console',
      message: 'hello',
    });
  });
});

describe('failed queries in error events', () => {
  it("replaces a failed query's bound parameters in exception messages", () => {
    const event: Event = {
      exception: {
        values: [
          {
            type: 'DrizzleQueryError',
            value: 'Failed query: select 1 where email = $1\nparams: buyer@x.test',
          },
        ],
      },
    };
    const value = sanitizeEvent(event).exception?.values?.[0]?.value;
    expect(value).toBe(`Failed query: select 1 where email = $1\nparams: ${R}`);
  });
});
