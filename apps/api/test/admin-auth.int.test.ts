import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '@popbox/db/testing';
import { signDevToken } from '@popbox/domain';
import { appRouter } from '../src/trpc/app-router.js';
import type { Meta } from '../src/trpc/init.js';
import { uploadPaths } from '../src/http/uploads.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app.js';

/**
 * B12 for EVERY admin operation, discovered from the router itself (and the plain upload routes), so a new
 * admin procedure is covered without touching this file.
 */
interface Operation {
  name: string;
  method: string;
  path: string;
  trpc?: { path: string; type: 'query' | 'mutation' };
}

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: 'query' | 'mutation'; meta?: Meta } }
>;
const adminProcedures = Object.entries(procedures).filter(([path]) => path.startsWith('admin.'));
const operations: Operation[] = [
  ...adminProcedures.map(([path, p]) => {
    const openapi = p._def.meta?.openapi;
    if (!openapi) throw new Error(`${path} has no REST mapping`);
    return { name: path, method: openapi.method, path: openapi.path, trpc: { path, type: p._def.type } };
  }),
  // The document writes full paths (one server, the origin); operations here are relative to /api/v1.
  ...Object.entries(uploadPaths).flatMap(([fullPath, item]) => {
    const path = fullPath.replace(/^\/api\/v1(?=\/)/, '');
    return Object.keys(item as object)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ name: `plain ${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path }));
  }),
];

let app: TestApp;
const adminId = randomUUID();
const customerId = randomUUID();
const tokens: Record<string, () => Promise<string | undefined>> = {};

beforeAll(async () => {
  app = await startTestApp();
  await makeUser(app.database.db, { id: adminId, role: 'admin' });
  await makeUser(app.database.db, { id: customerId, role: 'customer' });
  const sign = (o: Partial<Parameters<typeof signDevToken>[0]> = {}) =>
    signDevToken({ secret: TEST_JWT_SECRET, subject: adminId, ...o });
  Object.assign(tokens, {
    none: async () => undefined,
    malformed: async () => 'Bearer not.a.jwt',
    notBearer: async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    expired: async () =>
      `Bearer ${await sign({ now: new Date(Date.now() - 3_600_000), expiresInSeconds: 60 })}`,
    wrongIssuer: async () => `Bearer ${await sign({ issuer: 'https://evil.example/auth/v1' })}`,
    wrongAudience: async () => `Bearer ${await sign({ audience: 'anon' })}`,
    wrongSignature: async () => `Bearer ${await sign({ secret: 'another-secret-of-sufficient-length' })}`,
    nonAdmin: async () => `Bearer ${await sign({ subject: customerId })}`,
    notProvisioned: async () => `Bearer ${await sign({ subject: randomUUID() })}`,
    admin: async () => `Bearer ${await sign()}`,
  });
});
afterAll(() => app?.close());

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, () => randomUUID());

async function restCall(op: Operation, authorization: string | undefined) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const hasBody = !['GET', 'DELETE'].includes(op.method);
  if (hasBody && !op.name.startsWith('plain')) headers['content-type'] = 'application/json';
  const res = await fetch(`${app.url}/api/v1${concrete(op.path)}`, {
    method: op.method,
    headers,
    ...(hasBody && !op.name.startsWith('plain') ? { body: '{}' } : {}),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

async function trpcCall(op: Operation, authorization: string | undefined) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const input = encodeURIComponent(JSON.stringify({ id: randomUUID() }));
  const res =
    op.trpc!.type === 'query'
      ? await fetch(`${app.url}/api/trpc/${op.trpc!.path}?input=${input}`, { headers })
      : await fetch(`${app.url}/api/trpc/${op.trpc!.path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ id: randomUUID() }),
        });
  return res.status;
}

const REFUSED: Record<string, [number, string]> = {
  none: [401, 'UNAUTHENTICATED'],
  malformed: [401, 'UNAUTHENTICATED'],
  notBearer: [401, 'UNAUTHENTICATED'],
  expired: [401, 'UNAUTHENTICATED'],
  wrongIssuer: [401, 'UNAUTHENTICATED'],
  wrongAudience: [401, 'UNAUTHENTICATED'],
  wrongSignature: [401, 'UNAUTHENTICATED'],
  nonAdmin: [403, 'FORBIDDEN'],
  notProvisioned: [403, 'ADMIN_NOT_PROVISIONED'],
};

describe('admin authentication on every admin operation', () => {
  it('discovers the admin operations from the router', () => {
    expect(adminProcedures.length).toBeGreaterThanOrEqual(30);
    for (const op of operations) expect(op.path, op.name).toMatch(/^\/admin\//);
  });

  it.each(operations.map((op) => [op.name, op] as const))(
    '%s refuses bad credentials over REST',
    async (_n, op) => {
      for (const [variant, [status, code]] of Object.entries(REFUSED)) {
        const res = await restCall(op, await tokens[variant]!());
        expect(res.status, `${variant}`).toBe(status);
        expect(res.body.error?.code, `${variant}`).toBe(code);
      }
    },
  );

  it.each(operations.map((op) => [op.name, op] as const))(
    '%s lets a valid admin through over REST',
    async (_n, op) => {
      const res = await restCall(op, await tokens.admin!());
      expect([401, 403], JSON.stringify(res.body)).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    },
  );

  it.each(operations.filter((op) => op.trpc).map((op) => [op.name, op] as const))(
    '%s applies the same rules over tRPC',
    async (_n, op) => {
      for (const [variant, [status]] of Object.entries(REFUSED)) {
        expect(await trpcCall(op, await tokens[variant]!()), variant).toBe(status);
      }
      const allowed = await trpcCall(op, await tokens.admin!());
      expect([401, 403]).not.toContain(allowed);
      expect(allowed).toBeLessThan(500);
    },
  );
});
