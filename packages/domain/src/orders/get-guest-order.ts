import type { Deps } from '../shared/deps.js';
import { authorizeGuestOrder } from './guest-access.js';
import type { OrderGrant } from './guest-tokens.js';
import { getOrderView } from './order-view.js';

/** `GET /orders/{publicId}` for the guest holding the session cookie; prizes masked until revealed. */
export async function getGuestOrder(
  deps: Pick<Deps, 'db' | 'storage'>,
  grants: OrderGrant[],
  publicId: string,
) {
  const order = await authorizeGuestOrder(deps, grants, publicId);
  return getOrderView(deps, order.id, 'guest');
}
