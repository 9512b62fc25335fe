import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { rows, uuidArray } from '../shared/sql.js';
import type { ProductCaps } from '../caps/caps.rules.js';
import { SHIPPING_KEY } from '../content/shipping-settings.js';
import { CHECKOUT_SCOPE, type CheckoutKeyRecord } from './checkout-key.queries.js';

/** What a checkout reads before its transaction (all of it was read, separately, before issue 14). */
export interface CheckoutContext {
  /** The Idempotency-Key's record, when the key was used before. */
  key: CheckoutKeyRecord | undefined;
  /** The cart's capped products only (issue 13 guards); empty for an ordinary cart. */
  caps: ProductCaps[];
  /** The stored shipping setting; undefined when the row is missing (then it is default-inserted). */
  shipping: unknown;
}

interface ContextRow extends Record<string, unknown> {
  key_id: string | null;
  key_fingerprint: string | null;
  key_state: 'in_progress' | 'completed' | null;
  key_response_status: number | null;
  key_response_body: unknown;
  key_resource_id: string | null;
  caps: ProductCaps[] | null;
  shipping: unknown;
}

/**
 * Issue 14: the key's record, the cart's caps and the shipping setting in ONE round trip, through
 * `checkout_context` (migration 0006), whose plan the server keeps: receiving, parsing and planning these
 * reads cost the database more than running them. Always one row: the key columns are null for a fresh
 * key, `caps` is null when no product of the cart is capped (the common case costs no JSON).
 */
export async function loadCheckoutContext(
  db: Executor,
  key: string,
  productIds: readonly string[],
): Promise<CheckoutContext> {
  const [row] = await rows<ContextRow>(
    db,
    sql`select * from public.checkout_context(${CHECKOUT_SCOPE}, ${key}, ${uuidArray(productIds)}, ${SHIPPING_KEY})`,
  );
  if (!row) throw new Error('checkout_context returned no row');
  return {
    key: row.key_id
      ? {
          id: row.key_id,
          fingerprint: row.key_fingerprint!,
          state: row.key_state!,
          responseStatus: row.key_response_status,
          responseBody: row.key_response_body,
          resourceId: row.key_resource_id,
        }
      : undefined,
    caps: row.caps ?? [],
    shipping: row.shipping ?? undefined,
  };
}
