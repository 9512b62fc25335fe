import { sql } from 'drizzle-orm';
import { rows } from '../shared/sql.js';
import type { Deps } from '../shared/deps.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { SHIPPING_KEY, shippingSettingsFrom } from '../content/shipping-settings.js';
import type { NormalisedCheckout } from './cart.rules.js';
import { CHECKOUT_SCOPE, type CheckoutKeyRecord } from './checkout-key.queries.js';
import { keyRecordOf, type CheckoutCart, type KeyColumns } from './checkout-claim.queries.js';
import { checkoutCartOf, forgetCartSnapshots, isOrdinaryProduct, type Forget } from './cart-snapshots.js';
import {
  pendingOrderArgs,
  pendingOrderFor,
  priceLines,
  rethrowKeyOfAnotherOrder,
  type PlacedOrder,
} from './place-pending-order.js';

export type AtOnceOutcome =
  | { kind: 'placed'; placed: PlacedOrder & { claimId: string } }
  | { kind: 'taken'; key: CheckoutKeyRecord }
  /** Not an ordinary cart, or it changed since it was read: the full path decides (and answers any error). */
  | { kind: 'full' };

interface AtOnceRow extends KeyColumns, Record<string, unknown> {
  outcome: 'placed' | 'taken' | 'stale' | 'short';
  claim_id: string | null;
  /** 'short': the 1-based position of the short line, and whether its product has lapsed holds. */
  short_at: number | null;
  lapsed_holds: boolean | null;
}

/**
 * B3 for an ordinary cart in one round trip (issue 14): price the cart from the rows last read (`cart-snapshots`,
 * read when unknown), then ONE autocommitted statement (`checkout_place_at_once`, migration 0009) share-locks the
 * products, checks they and the shipping setting are still the versions priced (security rule 3: the order is
 * priced from rows no edit changed under it), claims the Idempotency-Key naming the order, writes the pending
 * order and holds the stock (guarded updates last). Snapshots that no longer price, or went stale, are read again
 * once. Every outcome the full path would reach differently is handed to it: a cart that is not ordinary, that
 * does not price (its errors come after the key's answer there), that changed, or whose stock is short while
 * lapsed holds could be released (F16). A line short with no lapsed hold is 409 OUT_OF_STOCK at once, as the
 * full path would answer it; the function undid its claim and its order.
 */
export async function placeAtOnce(
  deps: Deps,
  checkout: NormalisedCheckout,
  key: string,
  fingerprint: string,
): Promise<AtOnceOutcome> {
  const ids = checkout.lines.map((l) => l.productId);
  let freshReads = 0;
  for (;;) {
    const cart = await checkoutCartOf(deps.db, ids);
    if (!cart.fromSnapshots) freshReads++;
    const outcome = await tryAtOnce(deps, checkout, key, fingerprint, cart);
    if (outcome.kind !== 'again') return outcome;
    // Kept rows get one fresh read; so does a shop whose shipping setting was only just default-inserted.
    forgetCartSnapshots(deps.db, ids, outcome.forget);
    if (freshReads >= (outcome.forget === 'shipping' ? 2 : 1)) return { kind: 'full' };
  }
}

async function tryAtOnce(
  deps: Deps,
  checkout: NormalisedCheckout,
  key: string,
  fingerprint: string,
  cart: CheckoutCart,
): Promise<AtOnceOutcome | { kind: 'again'; forget: Forget }> {
  if (cart.shipping === undefined) {
    await shippingSettingsFrom(deps, undefined); // default-inserts the missing setting: its version is new
    return { kind: 'again', forget: 'shipping' };
  }
  // Products that are not ordinary are never kept, so a cart with one was read just now: the full path.
  const ordinary = cart.products.length === checkout.lines.length && cart.products.every(isOrdinaryProduct);
  if (!ordinary) return { kind: 'full' };
  const now = deps.clock.now();
  let lines;
  try {
    lines = priceLines(checkout.lines, cart.products, now);
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'again', forget: 'products' };
    throw error;
  }
  let shipping;
  try {
    shipping = await shippingSettingsFrom(deps, cart.shipping);
  } catch {
    return { kind: 'full' }; // an invalid stored setting: the full path answers the key first, then fails
  }
  const order = pendingOrderFor(deps, deps.random.uuid(), lines, shipping, now);
  const versions = sql.param(cart.products.map((p) => p.version));
  let row: AtOnceRow | undefined;
  try {
    [row] = await rows<AtOnceRow>(
      deps.db,
      sql`select * from public.checkout_place_at_once(${CHECKOUT_SCOPE}, ${fingerprint},
        ${new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS).toISOString()}::timestamptz, ${versions}::text[],
        ${SHIPPING_KEY}, ${cart.shippingVersion}::text, ${now.toISOString()}::timestamptz,
        ${pendingOrderArgs(order, checkout, lines, key)})`,
    );
  } catch (error) {
    rethrowKeyOfAnotherOrder(error);
  }
  if (!row) return { kind: 'full' }; // the key that was taken vanished before it could be read
  if (row.outcome === 'taken') return { kind: 'taken', key: keyRecordOf(row) };
  if (row.outcome === 'stale') return { kind: 'again', forget: 'all' };
  if (row.outcome === 'short') {
    if (row.lapsed_holds) return { kind: 'full' };
    const line = lines[row.short_at! - 1]!;
    throw new DomainError('OUT_OF_STOCK', `Not enough stock for ${line.name}`, {
      productId: line.productId,
      requested: line.quantity,
    });
  }
  return { kind: 'placed', placed: { ...order, lines, expiredElsewhere: [], claimId: row.claim_id! } };
}
