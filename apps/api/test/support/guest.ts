import { orderAccessUrl } from '@popbox/domain';
import type { TestApp } from './test-app.js';

/** Runs the emailed-link bootstrap (B10) for an order and returns the session cookie it sets (or null). */
export async function bootstrapWithLink(
  app: TestApp,
  link: string,
): Promise<{ status: number; cookie: string | null }> {
  const url = new URL(link);
  const token = url.searchParams.get('token')!;
  const publicId = decodeURIComponent(url.pathname.split('/').pop()!);
  const res = await fetch(`${app.url}/api/v1/orders/${publicId}/access?token=${encodeURIComponent(token)}`, {
    redirect: 'manual',
  });
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('guest_order_session='));
  return { status: res.status, cookie: raw && res.status === 302 ? raw.split(';')[0]! : null };
}

/** A guest session cookie for the order's current access-token version. */
export async function guestCookie(
  app: TestApp,
  order: { publicId: string; accessTokenVersion: number },
): Promise<string> {
  const { cookie } = await bootstrapWithLink(app, orderAccessUrl(app.deps, order));
  if (!cookie) throw new Error('bootstrap did not set a session cookie');
  return cookie;
}
