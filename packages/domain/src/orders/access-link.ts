import type { Deps } from '../shared/deps.js';

/**
 * The link emailed to a buyer to reach their order. Placeholder: the guest-access work replaces the body
 * with the signed, versioned access-token URL (F8); the signature stays.
 */
export function orderAccessUrl(
  deps: Pick<Deps, 'config' | 'clock'>,
  order: { publicId: string; accessTokenVersion: number },
): string {
  return `${deps.config.clientBaseUrl}/orders/${order.publicId}`;
}
