import type { Executor } from '@popbox/db';
import { isCapped } from '../caps/caps.rules.js';
import { readCheckoutCart, type CartProduct, type CheckoutCart } from './checkout-claim.queries.js';

/**
 * Issue 14: the ordinary checkout path keeps the cart rows it read, per database handle, so a drop's thousands of
 * checkouts of the same few products do not each read them again. A snapshot is never trusted: the statement
 * that places the order checks, under the share lock, that every product and the shipping setting are still
 * the versions priced, and answers 'stale' otherwise (the caller then forgets them and reads again). So a
 * snapshot can only cost a second try, never a wrong price. Only products the ordinary path can sell are kept
 * (standard, with an inventory row, without caps), at most MAX_PRODUCTS of them.
 */
const MAX_PRODUCTS = 1_000;

interface Snapshots {
  products: Map<string, CartProduct>;
  shipping: { value: unknown; version: string | null } | undefined;
}

const byDatabase = new WeakMap<object, Snapshots>();

function snapshotsOf(db: Executor): Snapshots {
  let found = byDatabase.get(db);
  if (!found) byDatabase.set(db, (found = { products: new Map(), shipping: undefined }));
  return found;
}

export const isOrdinaryProduct = (p: CartProduct) =>
  p.productType === 'standard' && p.inventoryProductId !== null && !isCapped(p);

/** The cart from the snapshots when every product of it is known, else read (and remembered). */
export async function checkoutCartOf(
  db: Executor,
  productIds: readonly string[],
): Promise<CheckoutCart & { fromSnapshots: boolean }> {
  const snapshots = snapshotsOf(db);
  const known = productIds.map((id) => snapshots.products.get(id));
  if (snapshots.shipping && known.every((p) => p !== undefined)) {
    return {
      products: known as CartProduct[],
      shipping: snapshots.shipping.value,
      shippingVersion: snapshots.shipping.version,
      fromSnapshots: true,
    };
  }
  const cart = await readCheckoutCart(db, productIds);
  if (snapshots.products.size + cart.products.length > MAX_PRODUCTS) snapshots.products.clear();
  for (const p of cart.products) if (isOrdinaryProduct(p)) snapshots.products.set(p.id, p);
  snapshots.shipping = { value: cart.shipping, version: cart.shippingVersion };
  return { ...cart, fromSnapshots: false };
}

/** What a retry must read again: the cart's products, the shipping setting, or both (after a 'stale'). */
export type Forget = 'products' | 'shipping' | 'all';

export function forgetCartSnapshots(db: Executor, productIds: readonly string[], what: Forget): void {
  const snapshots = snapshotsOf(db);
  if (what !== 'shipping') for (const id of productIds) snapshots.products.delete(id);
  if (what !== 'products') snapshots.shipping = undefined;
}
