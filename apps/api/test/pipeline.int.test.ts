import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFlags, toExpressCookie } from '../src/http/cookies.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

/** The cross-cutting HTTP pipeline (B0, security rule 11, F10). */
const cookieRoutes = Router()
  .get('/test/cookie/production', (_req, res) => {
    res.cookie('pbx_test', 'v', toExpressCookie(cookieFlags({ secureCookies: true }, { maxAgeSeconds: 60 })));
    res.json({ ok: true });
  })
  .get('/test/cookie/dev', (_req, res) => {
    res.cookie(
      'pbx_test',
      'v',
      toExpressCookie(cookieFlags({ secureCookies: false }, { maxAgeSeconds: 60 })),
    );
    res.json({ ok: true });
  })
  .post('/test/echo', (req, res) => void res.json({ bytes: JSON.stringify(req.body).length }))
  .get('/test/fails-mid-answer', (_req, res, next) => {
    res.status(200).setHeader('content-type', 'text/plain');
    res.write('partial');
    next(new Error('failed after the headers were sent'));
  });

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ app: { plainRoutes: [cookieRoutes] } });
});
afterAll(() => app?.close());

const postJson = (path: string, body: string) =>
  fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('security headers', () => {
  it('sends helmet headers and no x-powered-by on successes and errors alike', async () => {
    for (const res of [
      await fetch(`${app.url}/health`),
      await fetch(`${app.url}/no/such/route`),
      await postJson('/api/v1/collections', '{oops'),
    ]) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });
});

describe('an error after the answer has started', () => {
  it('ends the half-sent answer instead of leaving the client waiting', async () => {
    const outcome = await fetch(`${app.url}/test/fails-mid-answer`, { signal: AbortSignal.timeout(5_000) })
      .then((res) => res.text())
      .then(
        () => 'ended',
        (error: Error) => (error.name === 'TimeoutError' ? 'hung' : 'ended'),
      );
    expect(outcome).toBe('ended');
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});

describe('CORS', () => {
  it('allows exactly the configured origin, with credentials', async () => {
    const preflight = await fetch(`${app.url}/api/v1/collections`, {
      method: 'OPTIONS',
      headers: { origin: 'http://shop.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

    const simple = await fetch(`${app.url}/api/v1/collections`, { headers: { origin: 'http://shop.test' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('http://shop.test');
  });

  it('never allows another origin', async () => {
    const res = await fetch(`${app.url}/api/v1/collections`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).not.toBe('http://evil.test');
  });
});

describe('compression', () => {
  it('compresses bodies of 1 KB or more and leaves smaller ones alone', async () => {
    const big = await fetch(`${app.url}/api/v1/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(big.headers.get('content-encoding')).toBe('gzip');
    await big.arrayBuffer();
    const small = await fetch(`${app.url}/health`, { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });
});

describe('request bodies (F10)', () => {
  it('answers 413 PAYLOAD_TOO_LARGE to a JSON body over 1 MB, on every surface', async () => {
    const oversize = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });
    for (const path of ['/api/v1/collections', '/api/trpc/public.catalog.listCollections', '/test/echo']) {
      const res = await postJson(path, oversize);
      expect(res.status, path).toBe(413);
      const body = await json(res);
      expect(body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('accepts a JSON body just under 1 MB', async () => {
    const res = await postJson('/test/echo', JSON.stringify({ padding: 'x'.repeat(1024 * 1024 - 100) }));
    expect(res.status).toBe(200);
  });

  it('answers 400 MALFORMED_JSON to malformed JSON, never 500', async () => {
    for (const path of ['/api/v1/collections', '/api/trpc/public.catalog.listCollections', '/test/echo']) {
      const res = await postJson(path, '{"items": [1,');
      expect(res.status, path).toBe(400);
      expect((await json(res)).error).toMatchObject({ code: 'MALFORMED_JSON', status: 400 });
    }
  });
});

describe('request id', () => {
  it('honours a non-blank incoming x-request-id and generates one otherwise', async () => {
    const given = await fetch(`${app.url}/no/such/route`, {
      headers: { 'x-request-id': 'req-from-proxy-1' },
    });
    expect(given.headers.get('x-request-id')).toBe('req-from-proxy-1');
    expect((await json(given)).error.requestId).toBe('req-from-proxy-1');

    const blank = await fetch(`${app.url}/health`, { headers: { 'x-request-id': '   ' } });
    expect(blank.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('cookie flags', () => {
  it('sets HttpOnly, SameSite=Lax and, in production, Secure', async () => {
    const production = (await fetch(`${app.url}/test/cookie/production`)).headers.get('set-cookie') ?? '';
    expect(production).toMatch(/HttpOnly/);
    expect(production).toMatch(/SameSite=Lax/);
    expect(production).toMatch(/Secure/);
    expect(production).toMatch(/Path=\//);
    expect(production).toMatch(/Max-Age=60/);

    const dev = (await fetch(`${app.url}/test/cookie/dev`)).headers.get('set-cookie') ?? '';
    expect(dev).toMatch(/HttpOnly/);
    expect(dev).not.toMatch(/Secure/);
  });
});
