import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnstileChallenge } from './turnstile-challenge.js';
import { embeddedChallenge } from './embedded-challenge.js';

/** A local fake of Cloudflare's siteverify: tokens `good-*` pass once (Turnstile's own single-use rule). */
let server: Server;
let url = '';
const seen = new Set<string>();
const calls: Array<Record<string, string>> = [];
let issuedAt = () => new Date().toISOString();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      calls.push(form);
      res.setHeader('content-type', 'application/json');
      if (form.response === 'broken') return void res.writeHead(500).end('{}');
      if (form.secret !== 'test-secret') {
        return void res.end(JSON.stringify({ success: false, 'error-codes': ['invalid-input-secret'] }));
      }
      const token = form.response ?? '';
      if (!token.startsWith('good-')) {
        return void res.end(JSON.stringify({ success: false, 'error-codes': ['invalid-input-response'] }));
      }
      if (seen.has(token)) {
        return void res.end(JSON.stringify({ success: false, 'error-codes': ['timeout-or-duplicate'] }));
      }
      seen.add(token);
      res.end(JSON.stringify({ success: true, challenge_ts: issuedAt(), hostname: 'shop.test' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let now = new Date('2026-12-05T20:00:00Z');
const clock = { now: () => now };
const adapter = (secretKey = 'test-secret') => turnstileChallenge({ secretKey, siteverifyUrl: url, clock });

describe('Turnstile challenge adapter', () => {
  it('verifies a token server-side with the secret and the client IP', async () => {
    const before = calls.length;
    await expect(adapter().verify('good-1', '203.0.113.7')).resolves.toEqual({ ok: true });
    expect(calls.slice(before)).toEqual([
      { secret: 'test-secret', response: 'good-1', remoteip: '203.0.113.7' },
    ]);
  });

  it('refuses a missing, invalid or wrongly-signed token', async () => {
    const a = adapter();
    expect(a.required).toBe(true);
    await expect(a.verify(undefined)).resolves.toEqual({ ok: false, reason: 'missing' });
    await expect(a.verify('  ')).resolves.toEqual({ ok: false, reason: 'missing' });
    await expect(a.verify('forged')).resolves.toEqual({ ok: false, reason: 'invalid' });
    await expect(adapter('wrong-secret').verify('good-2')).resolves.toEqual({ ok: false, reason: 'invalid' });
    await expect(a.verify('x'.repeat(3000))).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  it('is single use: a replay is refused without asking Cloudflare, concurrently too', async () => {
    const a = adapter();
    const both = await Promise.all([a.verify('good-3'), a.verify('good-3')]);
    expect(both.filter((v) => v.ok)).toHaveLength(1);
    const before = calls.length;
    await expect(a.verify('good-3')).resolves.toEqual({ ok: false, reason: 'reused' });
    expect(calls.length).toBe(before);
    // Another replica (another adapter) is refused by Cloudflare's own rule.
    await expect(adapter().verify('good-3')).resolves.toEqual({ ok: false, reason: 'reused' });
  });

  it('refuses a token issued more than 300 s ago, and forgets used tokens after 300 s', async () => {
    const a = adapter();
    issuedAt = () => new Date(now.getTime() - 301_000).toISOString();
    await expect(a.verify('good-4')).resolves.toEqual({ ok: false, reason: 'expired' });
    issuedAt = () => new Date().toISOString();
    now = new Date(now.getTime() + 301_000);
    // Remembered no longer: Cloudflare's answer decides (already seen there).
    await expect(a.verify('good-4')).resolves.toEqual({ ok: false, reason: 'reused' });
  });

  it('answers "unavailable" when siteverify fails, and the token stays usable', async () => {
    const a = adapter();
    await expect(a.verify('broken')).resolves.toEqual({ ok: false, reason: 'unavailable' });
    const down = turnstileChallenge({
      secretKey: 'test-secret',
      siteverifyUrl: 'http://127.0.0.1:9/x',
      clock,
    });
    await expect(down.verify('good-5')).resolves.toEqual({ ok: false, reason: 'unavailable' });
    await expect(a.verify('good-5')).resolves.toEqual({ ok: true });
  });
});

describe('embedded challenge', () => {
  it('accepts everything, and says so in the log', async () => {
    const lines: string[] = [];
    const log = (obj: object | string, msg?: string) => lines.push(msg ?? String(obj));
    const logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
    const c = embeddedChallenge(logger);
    expect(c.required).toBe(false);
    await expect(c.verify(undefined)).resolves.toEqual({ ok: true });
    expect(lines.join('\n')).toMatch(/NOT challenged/);
    expect(lines.join('\n')).toMatch(/accepted without verification/);
  });
});
