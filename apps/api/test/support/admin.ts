import { randomUUID } from 'node:crypto';
import { makeUser } from '@popbox/db/testing';
import type { TestApp } from './test-app.js';
import { json, type Json } from './http.js';

export interface AdminClient {
  userId: string;
  email: string;
  token: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
}

/** Seeds an admin user and returns a small REST client for /api/v1 authenticated as that admin. */
export async function adminClient(app: TestApp): Promise<AdminClient> {
  const user = await makeUser(app.database.db, { id: randomUUID(), role: 'admin' });
  const token = await app.adminToken(user.id);
  return {
    userId: user.id,
    email: user.email,
    token,
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${app.url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
    },
  };
}

/** Field names of a 400 VALIDATION_FAILED body. */
export const failedFields = (body: Json): string[] => Object.keys(body?.error?.details?.fields ?? {});

export { json };
