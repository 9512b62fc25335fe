import { Writable } from 'node:stream';
import { Router } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Request logs (B22): one concise JSON line per request, the request id on every line, secrets redacted. */
const lines: Record<string, unknown>[] = [];
const rawLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      rawLines.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});
const logger = createLogger({ level: 'info', pretty: false }, sink);

const routes = Router()
  .post('/test/log', (req, res) => {
    // The root logger (as domain code uses it) and the request logger both carry the request id.
    logger.info({ step: 'domain' }, 'domain says hello');
    req.log.info({ step: 'handler' }, 'handler says hello');
    logger.warn(
      {
        headers: { authorization: 'Bearer jwt-1', cookie: 'c=1', referer: 'http://shop.test/?token=t-1' },
        input: { token: 't-2', password: 'p-1', apiKey: 'k-1', keep: 'visible' },
        secret: 's-1',
      },
      'a careless log line',
    );
    res.json({ ok: true });
  })
  .post('/test/log-query-error', (req, res) => {
    // What Drizzle throws for a failed query: the bound parameters in the message and in `params`.
    const failed = Object.assign(
      new Error(
        'Failed query: select * from orders where email = $1 and session = $2\nparams: buyer@x.test,cs_live_p1',
      ),
      {
        query: 'select * from orders where email = $1 and session = $2',
        params: ['buyer@x.test', 'cs_live_p1'],
      },
    );
    req.log.error({ err: new Error('checkout failed', { cause: failed }) }, 'wrapped query failure');
    logger.error({ err: failed }, 'bare query failure');
    res.json({ ok: true });
  });

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ deps: { logger }, app: { logger, plainRoutes: [routes] } });
});
afterAll(() => app?.close());
beforeEach(() => void (lines.length = rawLines.length = 0));

async function settle() {
  await new Promise((r) => setTimeout(r, 50));
}

describe('request logging', () => {
  it('writes one concise line per request with method, sanitised url, status, time and request id', async () => {
    const res = await fetch(`${app.url}/test/log?token=t-3&session_id=cs-1&checkout_session_id=cs-2&page=2`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer jwt-2',
        cookie: 'pbx_order_session=c-2',
        referer: 'http://shop.test/orders?token=t-4',
        'x-order-token': 'ot-1',
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
    await settle();
    const requestId = res.headers.get('x-request-id');
    const requestLine = lines.find((l) => l.res !== undefined);
    expect(requestLine).toMatchObject({
      level: 30,
      reqId: requestId,
      req: {
        method: 'POST',
        url: '/test/log?token=%5BREDACTED%5D&session_id=%5BREDACTED%5D&checkout_session_id=%5BREDACTED%5D&page=2',
      },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      msg: expect.stringMatching(/^POST \/test\/log\?token=%5BREDACTED%5D.* 200 \d+ms$/),
    });
    expect(Object.keys(requestLine!.req as object)).toEqual(['method', 'url']);
    expect(typeof requestLine!.time).toBe('string'); // ISO timestamps
  });

  it('puts the request id on every line written while serving the request', async () => {
    const res = await fetch(`${app.url}/test/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await settle();
    const requestId = res.headers.get('x-request-id');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line.reqId, String(line.msg)).toBe(requestId);
    expect(lines.map((l) => l.msg)).toContain('domain says hello');
    // …exactly once per line (no duplicate key from the mixin and the request logger's binding).
    for (const raw of rawLines) expect(raw.match(/"reqId":/g)).toHaveLength(1);
  });

  it('redacts credential headers and secret-named fields, and never logs request headers', async () => {
    await fetch(`${app.url}/test/log?token=t-5`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer jwt-3', cookie: 'c=3' },
      body: '{}',
    });
    await settle();
    const text = JSON.stringify(lines);
    for (const secret of [
      'jwt-1',
      'jwt-2',
      'jwt-3',
      'c=1',
      'c=3',
      't-1',
      't-2',
      't-5',
      'p-1',
      'k-1',
      's-1',
    ]) {
      expect(text).not.toContain(secret);
    }
    const careless = lines.find((l) => l.msg === 'a careless log line')!;
    expect(careless).toMatchObject({
      headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', referer: '[REDACTED]' },
      input: { token: '[REDACTED]', password: '[REDACTED]', apiKey: '[REDACTED]', keep: 'visible' },
      secret: '[REDACTED]',
    });
  });

  it("never logs a failed query's bound parameters, but keeps the query and the stack", async () => {
    await fetch(`${app.url}/test/log-query-error`, { method: 'POST' });
    await settle();
    const text = rawLines.join('\n');
    expect(text).not.toContain('buyer@x.test');
    expect(text).not.toContain('cs_live_p1');
    const bare = lines.find((l) => l.msg === 'bare query failure') as { err: Record<string, unknown> };
    expect(bare.err.params).toBe('[REDACTED]');
    expect(bare.err.query).toContain('from orders');
    expect(String(bare.err.stack)).toContain('params: [REDACTED]');
    const wrapped = lines.find((l) => l.msg === 'wrapped query failure') as { err: Record<string, unknown> };
    expect(String(wrapped.err.message)).toContain('checkout failed');
  });

  it('does not log successful health probes', async () => {
    await fetch(`${app.url}/health`);
    await fetch(`${app.url}/ready`, { method: 'HEAD' });
    await settle();
    expect(lines).toEqual([]);
  });
});
