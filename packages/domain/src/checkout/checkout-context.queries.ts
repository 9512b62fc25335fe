import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { uuidArray } from '../shared/sql.js';
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
  id: string | null;
  fingerprint: string | null;
  state: 'in_progress' | 'completed' | null;
  response_status: number | null;
  response_body: unknown;
  resource_id: string | null;
  caps: ProductCaps[] | null;
  shipping: unknown;
}

/**
 * Issue 14: the key's record, the cart's caps and the shipping setting in ONE round trip (each costs the
 * database more to receive, parse and plan than to run). Always one row: the key columns are null for a
 * fresh key, `caps` is null when no product of the cart is capped (the common case costs no JSON).
 */
export async function loadCheckoutContext(
  db: Executor,
  key: string,
  productIds: readonly string[],
): Promise<CheckoutContext> {
  const result = await db.execute<ContextRow>(sql`
    select k.id, k.fingerprint, k.state, k.response_status, k.response_body, k.resource_id,
           (select json_agg(json_build_object(
                     'productId', p.id, 'name', p.name, 'maxPerOrder', p.max_per_order,
                     'maxPerBuyer', p.max_per_buyer, 'salesStartAt', p.sales_start_at) order by p.id)
              from products p
             where p.id = any(${uuidArray(productIds)})
               and (p.max_per_order is not null or p.max_per_buyer is not null)) as caps,
           (select s.value from store_settings s where s.key = ${SHIPPING_KEY}) as shipping
      from (values (1)) as one (x)
      left join idempotency_keys k on k.scope = ${CHECKOUT_SCOPE} and k.key = ${key}`);
  const row = result.rows[0]!;
  return {
    key: row.id
      ? {
          id: row.id,
          fingerprint: row.fingerprint!,
          state: row.state!,
          responseStatus: row.response_status,
          responseBody: row.response_body,
          resourceId: row.resource_id,
        }
      : undefined,
    caps: row.caps ?? [],
    shipping: row.shipping ?? undefined,
  };
}
