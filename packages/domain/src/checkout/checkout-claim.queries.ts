import { sql } from 'drizzle-orm';
import type { Executor, products, Tx } from '@popbox/db';
import { rows, uuidArray } from '../shared/sql.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../shared/constants.js';
import { SHIPPING_KEY } from '../content/shipping-settings.js';
import { CHECKOUT_SCOPE, type CheckoutKeyRecord } from './checkout-key.queries.js';
import type { ProductCaps } from '../caps/caps.rules.js';

type ProductRow = typeof products.$inferSelect;

/**
 * A cart product as checkout prices and validates it: read under the share lock (full path), or read without one
 * and checked under it by version (ordinary path).
 */
export interface CartProduct extends Pick<
  ProductRow,
  | 'id'
  | 'name'
  | 'slug'
  | 'description'
  | 'status'
  | 'productType'
  | 'priceCents'
  | 'salesStartAt'
  | 'salesEndAt'
  | 'preSaleVisibility'
  | 'maxPerOrder'
  | 'maxPerBuyer'
> {
  /** Set when the product has an inventory row (every sellable product has one). */
  inventoryProductId: string | null;
  /** The row's version (its xmin): the ordinary path checks, under the lock, that it priced this version. */
  version: string;
}

/** A cart product's purchase caps, as the guards and the per-buyer check take them (issue 13). */
export const capsOf = (p: CartProduct): ProductCaps => ({
  productId: p.id,
  name: p.name,
  maxPerOrder: p.maxPerOrder,
  maxPerBuyer: p.maxPerBuyer,
  salesStartAt: p.salesStartAt,
});

/** What the first statement of a checkout's transaction found. */
export type CheckoutClaim =
  /** The key is this request's now (it names `orderId`); the cart's products are share-locked. */
  | {
      kind: 'claimed';
      claimId: string;
      /** The cart's products that exist, in id order. */
      products: CartProduct[];
      /** The stored shipping setting; undefined when the row is missing (then it is default-inserted). */
      shipping: unknown;
    }
  /** The key was used before (or by a request that is committing now): its record; nothing was locked. */
  | { kind: 'taken'; key: CheckoutKeyRecord }
  /** The key conflicted but was deleted before it could be read: try again. */
  | { kind: 'vanished' };

/** A used key's columns, as the checkout functions return them. */
export interface KeyColumns {
  key_id: string | null;
  key_fingerprint: string | null;
  key_state: 'in_progress' | 'completed' | null;
  key_response_status: number | null;
  key_response_body: unknown;
  key_resource_id: string | null;
}

export const keyRecordOf = (row: KeyColumns): CheckoutKeyRecord => ({
  id: row.key_id!,
  fingerprint: row.key_fingerprint!,
  state: row.key_state!,
  responseStatus: row.key_response_status,
  responseBody: row.key_response_body,
  resourceId: row.key_resource_id,
});

interface ClaimRow extends KeyColumns, Record<string, unknown> {
  claim_id: string | null;
  products: CartProductJson[] | null;
  shipping: unknown;
}

interface CartProductJson {
  id: string;
  version: string;
  name: string;
  slug: string;
  description: string | null;
  status: ProductRow['status'];
  product_type: ProductRow['productType'];
  price_cents: number;
  sales_start_at: string | null;
  sales_end_at: string | null;
  pre_sale_visibility: ProductRow['preSaleVisibility'];
  max_per_order: number | null;
  max_per_buyer: number | null;
  has_inventory: boolean;
}

/**
 * F3 and B3 steps 6–7 in ONE round trip, the first statement of the order's transaction (`checkout_claim`,
 * migration 0009; issue 14: it was a read before the transaction, a key insert and a product read, each a round
 * trip the database paid more for than for its work). The key is inserted naming the order chosen beforehand,
 * so both commit together or not at all; a duplicate waits here while another open transaction inserts the
 * same key, then gets its record. Only a claimed key locks the products (FOR SHARE: security rule 3, prices and
 * status no admin edit can change under the checkout; share locks never make two checkouts wait).
 */
export async function claimCheckout(
  tx: Tx,
  input: { key: string; fingerprint: string; orderId: string; now: Date; productIds: readonly string[] },
): Promise<CheckoutClaim> {
  const expiresAt = new Date(input.now.getTime() + IDEMPOTENCY_KEY_TTL_MS);
  const [row] = await rows<ClaimRow>(
    tx,
    sql`select * from public.checkout_claim(${CHECKOUT_SCOPE}, ${input.key}, ${input.fingerprint},
      ${input.orderId}::uuid, ${expiresAt.toISOString()}::timestamptz, ${uuidArray(input.productIds)},
      ${SHIPPING_KEY})`,
  );
  if (!row) return { kind: 'vanished' };
  if (row.claim_id) {
    return {
      kind: 'claimed',
      claimId: row.claim_id,
      products: (row.products ?? []).map(cartProduct),
      shipping: row.shipping ?? undefined,
    };
  }
  return { kind: 'taken', key: keyRecordOf(row) };
}

const cartProduct = (r: CartProductJson): CartProduct => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  description: r.description,
  status: r.status,
  productType: r.product_type,
  priceCents: r.price_cents,
  salesStartAt: r.sales_start_at === null ? null : new Date(r.sales_start_at),
  salesEndAt: r.sales_end_at === null ? null : new Date(r.sales_end_at),
  preSaleVisibility: r.pre_sale_visibility,
  maxPerOrder: r.max_per_order,
  maxPerBuyer: r.max_per_buyer,
  inventoryProductId: r.has_inventory ? r.id : null,
  version: r.version,
});

export interface CheckoutCart {
  /** The cart's products that exist, in id order, with their versions. */
  products: CartProduct[];
  /** The stored shipping setting (undefined when the row is missing) and its version (null then). */
  shipping: unknown;
  shippingVersion: string | null;
}

/** The ordinary path's read (no lock, no transaction), through `checkout_cart` (migration 0009). */
export async function readCheckoutCart(db: Executor, productIds: readonly string[]): Promise<CheckoutCart> {
  const [row] = await rows<{
    products: CartProductJson[];
    shipping: unknown;
    shipping_version: string | null;
  }>(db, sql`select * from public.checkout_cart(${uuidArray(productIds)}, ${SHIPPING_KEY})`);
  return {
    products: (row?.products ?? []).map(cartProduct),
    shipping: row?.shipping ?? undefined,
    shippingVersion: row?.shipping_version ?? null,
  };
}
