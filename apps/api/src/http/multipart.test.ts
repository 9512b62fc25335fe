import { PassThrough } from 'node:stream';
import type { Request } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainError } from '@popbox/domain';
import { parseMultipart } from './multipart.js';

const BOUNDARY = 'b0undary';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const part = (field: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\n` +
      'Content-Type: image/png\r\n\r\n',
  );
const whole = (field: string) =>
  Buffer.concat([part(field), PNG, Buffer.alloc(4096, 1), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);

/** A stand-in for the request stream: what busboy and the parser read from an IncomingMessage. */
function fakeRequest() {
  const req = new PassThrough() as PassThrough & { headers: Record<string, string>; complete: boolean };
  req.headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
  req.complete = false;
  return req;
}
const parse = (req: ReturnType<typeof fakeRequest>) =>
  parseMultipart(req as unknown as Request, { fileFields: ['files'], textFields: [] });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: DomainError) => e.code,
  );

// Any stream error nobody listens to surfaces here (and would exit the real process).
const escaped: unknown[] = [];
const record = (e: unknown) => escaped.push(e);
beforeEach(() => {
  escaped.length = 0;
  process.on('uncaughtException', record);
});
afterEach(async () => {
  await new Promise((r) => setTimeout(r, 20));
  process.off('uncaughtException', record);
  expect(escaped).toEqual([]);
});

describe('parseMultipart', () => {
  it('reads a whole form', async () => {
    const req = fakeRequest();
    const form = parse(req);
    req.complete = true;
    req.end(whole('files'));
    expect((await form).files).toHaveLength(1);
  });

  it('rejects a body that ends inside a file with 400, and nothing escapes', async () => {
    const req = fakeRequest();
    const form = parse(req);
    req.complete = true;
    req.end(whole('files').subarray(0, 300));
    expect(await codeOf(form)).toBe('BAD_REQUEST');
  });

  it('rejects a refused file field, then survives the rest of the body being cut', async () => {
    const req = fakeRequest();
    const form = parse(req);
    req.write(whole('other').subarray(0, 200));
    expect(await codeOf(form)).toBe('VALIDATION_FAILED');
    req.complete = true;
    req.end(Buffer.alloc(100, 2));
  });

  it('rejects when the client goes away mid-body (no end ever comes)', async () => {
    const req = fakeRequest();
    const form = parse(req);
    req.write(whole('files').subarray(0, 300));
    setTimeout(() => req.destroy(new Error('aborted')), 10);
    expect(await codeOf(form)).toBe('BAD_REQUEST');
  });

  it('rejects at once when the request was already aborted before parsing began', async () => {
    const req = fakeRequest();
    req.destroy();
    await new Promise((r) => setTimeout(r, 5));
    expect(await codeOf(parse(req))).toBe('BAD_REQUEST');
  });
});
