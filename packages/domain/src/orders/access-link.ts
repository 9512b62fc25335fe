import type { Deps } from '../shared/deps.js';
import { GUEST_TOKEN_LIFETIME_MS } from '../shared/constants.js';
import { signAccessToken } from './guest-tokens.js';

/** The storefront URL of an order, without credentials (B4 orderUrl, bootstrap redirects). */
export function orderPageUrl(deps: Pick<Deps, 'config'>, publicId: string): string {
  return `${deps.config.clientBaseUrl}/orders/${encodeURIComponent(publicId)}`;
}

/**
 * The emailed link (B10): `{CLIENT_BASE_URL}/orders/{publicId}?token=…` with a signed access token for the
 * order's current access-token version (F8: bumping the version revokes it).
 */
export function orderAccessUrl(
  deps: Pick<Deps, 'config' | 'clock'>,
  order: { publicId: string; accessTokenVersion: number },
): string {
  const token = signAccessToken(deps.config.orderTokenPepper, {
    publicId: order.publicId,
    version: order.accessTokenVersion,
    now: deps.clock.now(),
    lifetimeMs: GUEST_TOKEN_LIFETIME_MS,
  });
  return `${orderPageUrl(deps, order.publicId)}?token=${encodeURIComponent(token)}`;
}
