import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct, makeUser } from '@popbox/db/testing';
import { signDevToken } from '@popbox/domain';
import { PROCESS_JWT_SECRET, startApiProcess, type ApiProcess } from './support/api-process.js';
import { PNG } from './support/images.js';
import { makeKujiProduct } from '@popbox/domain/testing';

/**
 * Issue 11 item 1: an upload that ends before the closing boundary (an aborted browser upload) once killed
 * the whole API process (`uncaughtException: Unexpected end of form` from busboy). Run against the real
 * process: an in-process server would survive an uncaught exception that exits `pnpm dev`.
 */
let api: ApiProcess;
let token: string;
let productId: string;
let kujiId: string;

beforeAll(async () => {
  api = await startApiProcess();
  const admin = await makeUser(api.database.db, { id: randomUUID(), role: 'admin' });
  token = await signDevToken({ secret: PROCESS_JWT_SECRET, subject: admin.id });
  productId = (await makeProduct(api.database.db)).id;
  kujiId = (await makeKujiProduct(api.database.db)).product.id;
}, 120_000);
afterAll(() => api?.stop());

const BOUNDARY = 'popbox-test-boundary';
// Paths are read when a test runs (the products exist only after beforeAll).
const routes = [
  { name: 'product images', path: () => `/api/v1/admin/products/${productId}/images`, field: 'files' },
  {
    name: 'kuji prize image',
    path: () => `/api/v1/admin/products/${kujiId}/kuji-prizes/upload-image`,
    field: 'file',
  },
];

/** A whole multipart body with one image file of `size` bytes (PNG signature + padding). */
function formBody(field: string, size = 64 * 1024): Buffer {
  const image = Buffer.concat([Buffer.from(PNG), Buffer.alloc(size - PNG.length, 7)]);
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\n` +
        'Content-Type: image/png\r\n\r\n',
    ),
    image,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

const headers = () => ({
  authorization: `Bearer ${token}`,
  'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
});

/** Raw request over a socket: head + body chunks, then `finish` (FIN or RST). Resolves with what came back. */
function rawUpload(
  path: string,
  head: Record<string, string>,
  body: Buffer[],
  finish: 'end' | 'reset' | 'none',
): Promise<string> {
  const url = new URL(api.url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(url.port), url.hostname, () => {
      const lines = Object.entries({ host: url.host, ...head }).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      for (const chunk of body) socket.write(chunk);
      if (finish === 'end') socket.end();
      if (finish === 'reset') setTimeout(() => socket.resetAndDestroy(), 50);
    });
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
  });
}

async function expectStillServing() {
  // Give a crash (it would come on a later tick) the time to happen before checking.
  await new Promise((r) => setTimeout(r, 300));
  const health = await fetch(`${api.url}/health`);
  expect(health.status).toBe(200);
  expect(api.alive(), api.output()).toBe(true);
  expect(api.output()).not.toMatch(/uncaught|unhandled/i);
}

describe.each(routes)('$name upload', (route) => {
  it('answers a body cut before the closing boundary with 400 and keeps serving', async () => {
    const whole = formBody(route.field);
    for (const cut of [whole.length - 40, 20_000, 100]) {
      const res = await fetch(`${api.url}${route.path()}`, {
        method: 'POST',
        headers: headers(),
        body: whole.subarray(0, cut), // Content-Length matches the truncated body
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({
        code: 'BAD_REQUEST',
        status: 400,
        message: expect.any(String),
        requestId: expect.any(String),
      });
      await expectStillServing();
    }
  });

  it('survives a truncated body after an unexpected file field was refused', async () => {
    const whole = formBody('other');
    const res = await fetch(`${api.url}${route.path()}`, {
      method: 'POST',
      headers: headers(),
      body: whole.subarray(0, 30_000),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    await expectStillServing();
  });

  it('survives a chunked upload whose connection is closed before the last chunk', async () => {
    const part = formBody(route.field).subarray(0, 20_000);
    const chunk = Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]);
    const answer = await rawUpload(
      route.path(),
      { ...headers(), 'transfer-encoding': 'chunked' },
      [chunk],
      'end',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await expectStillServing();
  });

  it('survives a socket reset in the middle of the upload', async () => {
    const whole = formBody(route.field, 512 * 1024);
    const head = { ...headers(), 'content-length': String(whole.length) };
    await rawUpload(route.path(), head, [whole.subarray(0, 100_000)], 'reset');
    await expectStillServing();
  });

  it('still accepts a whole upload afterwards', async () => {
    const res = await fetch(`${api.url}${route.path()}`, {
      method: 'POST',
      headers: headers(),
      body: formBody(route.field, 1024),
    });
    expect(res.status, await res.text()).toBe(201);
  });
});

describe('other request bodies', () => {
  it.each([
    ['tRPC', '/api/trpc/public.contact.submit'],
    ['REST', '/api/v1/contact'],
    ['webhook', '/api/v1/webhooks/stripe'],
  ])('survive a %s JSON body cut by a socket reset or a closed connection', async (_, path) => {
    const head = { 'content-type': 'application/json', 'content-length': '5000' };
    await rawUpload(path, head, [Buffer.from('{"name":"a","email":"')], 'reset');
    await rawUpload(path, head, [Buffer.from('{"name":"a","email":"')], 'end');
    await expectStillServing();
  });
});
