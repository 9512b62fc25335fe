import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import type { ServerTimeouts } from '../src/http-server.js';

/**
 * Issue 11 item 17: head and request timeouts must hold after any request (after an oversized head, too),
 * so a few half-sent requests cannot hold sockets open. Short limits here; production uses B21's.
 */
const SHORT: ServerTimeouts = {
  headersTimeout: 1_000,
  requestTimeout: 1_500,
  keepAliveTimeout: 300,
  connectionsCheckingInterval: 250,
};
/** Head limit + one sweep interval + scheduling slack on a loaded machine. */
const HEAD_BOUND_MS = 1_000 + 250 + 1_000;
const WHOLE_BOUND_MS = 1_500 + 250 + 1_000;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Answer {
  status: number | null;
  ms: number;
}
/** Writes `chunks` (with `gapMs` between them) on a new connection; resolves when the server closes it. */
function send(chunks: string[], gapMs = 0, giveUpMs = 10_000): Promise<Answer> {
  const { port } = new URL(app!.url);
  return new Promise((resolve) => {
    const t0 = Date.now();
    let text = '';
    const socket = connect(Number(port), '127.0.0.1', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (d) => (text += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ status: statuses.at(-1) ?? null, ms: Date.now() - t0 });
    });
  });
}

const HUGE_HEAD = `GET /api/v1/tags HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(80 * 1024)}\r\n\r\n`;
const HALF_HEAD = 'GET /api/v1/tags HTTP/1.1\r\nHost: x\r\nX-Half: 1\r\n';
const HALF_BODY =
  'POST /api/v1/contact HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"na';

/** The whole exchange on one connection: the raw answer text. */
function exchange(raw: string): Promise<string> {
  const { port } = new URL(app!.url);
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    socket.on('data', (d) => (text += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

function errorOf(text: string): { status: number; body: { error: { code: string; status: number } } } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  expect(head).toMatch(/content-type: application\/json/i);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) as never };
}

describe('requests the HTTP parser refuses', () => {
  it('answers an oversized head, a malformed request and a timeout in the JSON error shape', async () => {
    app = await startTestApp({ timeouts: SHORT });
    const huge = errorOf(await exchange(HUGE_HEAD));
    expect(huge.status).toBe(431);
    expect(huge.body.error).toMatchObject({ code: 'HEADERS_TOO_LARGE', status: 431 });
    const garbage = errorOf(await exchange('NOT HTTP AT ALL\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    const late = errorOf(await exchange(HALF_HEAD));
    expect(late.status).toBe(408);
    expect(late.body.error).toMatchObject({ code: 'REQUEST_TIMEOUT', status: 408 });
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});

describe('slow clients', () => {
  it('cuts half-sent requests on new connections after a request with an 80 KB header', async () => {
    app = await startTestApp({ timeouts: SHORT });
    for (let round = 0; round < 3; round++) {
      expect((await send([HUGE_HEAD])).status).toBe(431);
      const [heads, bodies] = await Promise.all([
        Promise.all(Array.from({ length: 6 }, () => send([HALF_HEAD]))),
        Promise.all(Array.from({ length: 2 }, () => send([HALF_BODY]))),
      ]);
      for (const a of heads) {
        expect(a.status).toBe(408);
        expect(a.ms).toBeLessThan(HEAD_BOUND_MS);
      }
      for (const a of bodies) {
        expect(a.status).toBe(408);
        expect(a.ms).toBeLessThan(WHOLE_BOUND_MS);
      }
    }
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it('cuts them even when Node’s own periodic sweep does not run', async () => {
    app = await startTestApp({ timeouts: { ...SHORT, connectionsCheckingInterval: 3_600_000 } });
    expect((await send([HUGE_HEAD])).status).toBe(431);
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => send([HALF_HEAD])),
      send([HALF_BODY]),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(408);
      expect(a.ms).toBeLessThan(WHOLE_BOUND_MS);
    }
  });

  it('cuts a head dribbled on a kept-alive connection after a complete request', async () => {
    app = await startTestApp({ timeouts: { ...SHORT, connectionsCheckingInterval: 3_600_000 } });
    const dribble = Array.from({ length: 60 }, (_, i) => `X-Drip-${i}: 1\r\n`);
    const a = await send(['GET /health HTTP/1.1\r\nHost: x\r\n\r\n', HALF_HEAD, ...dribble], 100);
    expect(a.status).toBe(408);
    // Head limit + the keep-alive idle allowance, far below the 6 s the dribble would last.
    expect(a.ms).toBeLessThan(HEAD_BOUND_MS + 300 + 1_000);
  });

  it('leaves requests that arrive within the limits alone', async () => {
    app = await startTestApp({ timeouts: SHORT });
    // A head sent in pieces within the limit, then a second request on the same connection.
    const pieces = ['GET /health HTTP/1.1\r\n', 'Host: x\r\n', 'X-Slow: 1\r\n', '\r\n'];
    const a = await send([...pieces, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 150);
    expect(a.status).toBe(200);
    // A keep-alive client that pauses between requests (shorter than keep-alive) is not cut either.
    const b = await send(
      [
        'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      ],
      200,
    );
    expect(b.status).toBe(200);
  });
});
