-- Custom SQL migration file, put your code below! --
-- Issue 14, a cheaper checkout. Measured on these machines, every round trip between the API and PostgreSQL costs
-- both processes far more CPU than the single-row writes it carries (a socket write wakes the other side; with
-- 16 buyers on 2 cores that wake-up, not the work, was most of a checkout's CPU). So an ordinary checkout is now
-- two round trips once the API knows the cart's rows, three the first time (it was eight), and one with capped or
-- kuji products five, with the same decisions and the same guarantees. None of these functions decides anything
-- the TypeScript caller has not: it prices, validates, caps and answers keys; they write what it decided and
-- check what it read is still so. `checkout_place_pending_order` writes the order's rows through migration
-- 0006's `checkout_insert_pending_order`; the two functions no longer called (checkout_context,
-- checkout_products_for_share) stay until a later migration, so API processes still running the previous release
-- keep working during a rolling deploy.
--
-- `checkout_cart_json(ids)`: the cart's products as the checkout prices them, with each row's version (xmin: a new
-- value for every transaction that changes the row).
--
-- The full path, one transaction (capped products need their guard, kuji boards their epochs, short stock the
-- release of lapsed holds (F16), and a cart whose read went stale):
-- 1. `checkout_claim`, its first statement: claims the Idempotency-Key (naming the order it will place) and, only
--    when the claim succeeded, share-locks the cart's products (security rule 3) and returns them with the shipping
--    setting. A key already taken (waiting, as before, while another open transaction inserts it) returns that
--    key's record instead and locks nothing.
-- 2. `checkout_place_pending_order`: the pending order (order, items with snapshots, one hold per line, the pending
--    payment), then the stock, taken by the guarded updates LAST, in the cart's (product id) order. It stops at the
--    first short line and returns its 1-based position (0: every line is held); the caller then releases that
--    product's lapsed holds and tries again.
--
-- The ordinary path, for a cart of standard products without caps: `checkout_cart` reads the cart and the shipping
-- setting with their versions (no lock; the API keeps what it read and reads again only for products it has not
-- seen or after a 'stale'), the API prices it, and `checkout_place_at_once` does the whole transaction in one
-- autocommitted statement: share-lock the products and check they, and the shipping setting, are the versions
-- priced (else 'stale', nothing written: the API reads again, then the full path runs),
-- claim the key ('taken' answers with its record), then step 2. A short line undoes the claim and the order
-- ('short': nothing written) and says which line, and whether its product has lapsed holds a release could free.

CREATE FUNCTION public.checkout_cart_json(p_product_ids uuid[]) RETURNS json
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(json_agg(json_build_object(
           'id', p.id, 'version', p.xmin::text, 'name', p.name, 'slug', p.slug, 'description', p.description,
           'status', p.status, 'product_type', p.product_type, 'price_cents', p.price_cents,
           'sales_start_at', p.sales_start_at, 'sales_end_at', p.sales_end_at,
           'pre_sale_visibility', p.pre_sale_visibility, 'max_per_order', p.max_per_order,
           'max_per_buyer', p.max_per_buyer, 'has_inventory', i.product_id IS NOT NULL) ORDER BY p.id), '[]'::json)
    FROM public.products p
    LEFT JOIN public.product_inventory i ON i.product_id = p.id
   WHERE p.id = ANY (p_product_ids)
$$;
--> statement-breakpoint

CREATE FUNCTION public.checkout_cart(p_product_ids uuid[], p_shipping_key text)
RETURNS TABLE (products json, shipping jsonb, shipping_version text)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT public.checkout_cart_json(p_product_ids), s.value, s.xmin::text
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN public.store_settings s ON s.key = p_shipping_key
$$;
--> statement-breakpoint

-- The Idempotency-Key claim both paths make (F3): inserted naming the order it will place, or, when the key is
-- taken (waiting, as before, while another open transaction inserts it), that key's record. A volatile function's
-- statement takes a new snapshot, so the key that conflicted is visible then; no row at all when it was deleted in
-- between (the caller tries again).
CREATE FUNCTION public.checkout_claim_key(
  p_scope text, p_key text, p_fingerprint text, p_order_id uuid, p_expires_at timestamptz
) RETURNS TABLE (claim_id uuid, key_id uuid, key_fingerprint text, key_state text, key_response_status integer,
                 key_response_body jsonb, key_resource_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_claim uuid;
BEGIN
  INSERT INTO public.idempotency_keys (scope, key, fingerprint, state, resource_id, expires_at)
  VALUES (p_scope, p_key, p_fingerprint, 'in_progress', p_order_id, p_expires_at)
  ON CONFLICT (scope, key) DO NOTHING
  RETURNING id INTO v_claim;
  IF v_claim IS NOT NULL THEN
    RETURN QUERY SELECT v_claim, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::jsonb, NULL::uuid;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT NULL::uuid, k.id, k.fingerprint::text, k.state, k.response_status, k.response_body, k.resource_id
    FROM public.idempotency_keys k
   WHERE k.scope = p_scope AND k.key = p_key;
END;
$$;
--> statement-breakpoint

CREATE FUNCTION public.checkout_claim(
  p_scope text, p_key text, p_fingerprint text, p_order_id uuid, p_expires_at timestamptz, p_product_ids uuid[],
  p_shipping_key text
) RETURNS TABLE (claim_id uuid, key_id uuid, key_fingerprint text, key_state text, key_response_status integer,
                 key_response_body jsonb, key_resource_id uuid, products json, shipping jsonb)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_key record;
BEGIN
  SELECT * INTO v_key FROM public.checkout_claim_key(p_scope, p_key, p_fingerprint, p_order_id, p_expires_at);
  IF NOT FOUND THEN
    RETURN; -- the key conflicted and vanished: no row
  END IF;
  IF v_key.claim_id IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, v_key.key_id, v_key.key_fingerprint, v_key.key_state, v_key.key_response_status,
                        v_key.key_response_body, v_key.key_resource_id, NULL::json, NULL::jsonb;
    RETURN;
  END IF;
  PERFORM 1 FROM public.products p WHERE p.id = ANY (p_product_ids) ORDER BY p.id FOR SHARE;
  RETURN QUERY
  SELECT v_key.claim_id, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::jsonb, NULL::uuid,
         public.checkout_cart_json(p_product_ids),
         (SELECT s.value FROM public.store_settings s WHERE s.key = p_shipping_key);
END;
$$;
--> statement-breakpoint

CREATE FUNCTION public.checkout_place_pending_order(
  p_order_id uuid, p_public_id text, p_currency text, p_subtotal_cents integer, p_shipping_cents integer,
  p_total_cents integer, p_idempotency_key text, p_email text, p_name text, p_email_key text,
  p_product_ids uuid[], p_names text[], p_types public.product_type[], p_unit_prices integer[],
  p_quantities integer[], p_slugs text[], p_descriptions text[], p_expires_at timestamptz
) RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  -- The order's rows, as migration 0006 writes them (order, items with snapshots, holds, pending payment).
  PERFORM public.checkout_insert_pending_order(
    p_order_id, p_public_id, p_currency, p_subtotal_cents, p_shipping_cents, p_total_cents, p_idempotency_key,
    p_email, p_name, p_email_key, p_product_ids, p_names, p_types, p_unit_prices, p_quantities, p_slugs,
    p_descriptions, p_expires_at);
  -- The guarded updates, last (B3 step 11): a line is held only while on hand minus reserved covers it.
  FOR i IN 1 .. cardinality(p_product_ids) LOOP
    UPDATE public.product_inventory SET reserved = reserved + p_quantities[i]
     WHERE product_id = p_product_ids[i] AND on_hand - reserved >= p_quantities[i];
    IF NOT FOUND THEN
      RETURN i;
    END IF;
  END LOOP;
  RETURN 0;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION public.checkout_place_at_once(
  p_scope text, p_fingerprint text, p_key_expires_at timestamptz, p_versions text[], p_shipping_key text,
  p_shipping_version text, p_now timestamptz,
  -- p_versions are the rows' xmin as read; p_unit_prices (below) must also still be their prices
  -- the arguments of checkout_place_pending_order; p_idempotency_key is the key claimed
  p_order_id uuid, p_public_id text, p_currency text, p_subtotal_cents integer, p_shipping_cents integer,
  p_total_cents integer, p_idempotency_key text, p_email text, p_name text, p_email_key text,
  p_product_ids uuid[], p_names text[], p_types public.product_type[], p_unit_prices integer[],
  p_quantities integer[], p_slugs text[], p_descriptions text[], p_expires_at timestamptz
) RETURNS TABLE (outcome text, claim_id uuid, key_id uuid, key_fingerprint text, key_state text,
                 key_response_status integer, key_response_body jsonb, key_resource_id uuid, short_at integer,
                 lapsed_holds boolean)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_key record;
  v_short integer;
BEGIN
  PERFORM 1 FROM public.products p WHERE p.id = ANY (p_product_ids) ORDER BY p.id FOR SHARE;
  -- Under the lock (a new snapshot: a change committed while this waited is seen), every row must be the version
  -- the caller priced, and still say what made it an ordinary line at that price (belt and braces: an xmin is a
  -- version only within one cluster's history).
  IF (SELECT count(*) FROM public.products p
        JOIN unnest(p_product_ids, p_versions, p_unit_prices) AS v (id, version, price)
          ON v.id = p.id AND p.xmin::text = v.version AND p.price_cents = v.price AND p.status = 'active'
         AND p.product_type = 'standard' AND p.max_per_order IS NULL AND p.max_per_buyer IS NULL)
      <> cardinality(p_product_ids)
     OR (SELECT s.xmin::text FROM public.store_settings s WHERE s.key = p_shipping_key)
          IS DISTINCT FROM p_shipping_version THEN
    RETURN QUERY SELECT 'stale'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::jsonb,
                        NULL::uuid, NULL::integer, NULL::boolean;
    RETURN;
  END IF;
  -- The claim and the order are undone together when a line is short (the exception block is a subtransaction:
  -- an error raised to the client would make node-postgres' pool drop the connection).
  BEGIN
    SELECT * INTO v_key
      FROM public.checkout_claim_key(p_scope, p_idempotency_key, p_fingerprint, p_order_id, p_key_expires_at);
    IF NOT FOUND THEN
      RETURN; -- the key conflicted and vanished: no row
    END IF;
    IF v_key.claim_id IS NULL THEN
      RETURN QUERY SELECT 'taken'::text, NULL::uuid, v_key.key_id, v_key.key_fingerprint, v_key.key_state,
                          v_key.key_response_status, v_key.key_response_body, v_key.key_resource_id, NULL::integer,
                          NULL::boolean;
      RETURN;
    END IF;
    v_short := public.checkout_place_pending_order(
      p_order_id, p_public_id, p_currency, p_subtotal_cents, p_shipping_cents, p_total_cents, p_idempotency_key,
      p_email, p_name, p_email_key, p_product_ids, p_names, p_types, p_unit_prices, p_quantities, p_slugs,
      p_descriptions, p_expires_at);
    IF v_short > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'PB409', MESSAGE = 'checkout line short of stock';
    END IF;
  EXCEPTION WHEN SQLSTATE 'PB409' THEN
    RETURN QUERY
    SELECT 'short'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::jsonb, NULL::uuid,
           v_short,
           EXISTS (SELECT 1 FROM public.inventory_reservations r
                    WHERE r.product_id = p_product_ids[v_short] AND r.status = 'active' AND r.expires_at <= p_now);
    RETURN;
  END;
  RETURN QUERY SELECT 'placed'::text, v_key.claim_id, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::jsonb,
                      NULL::uuid, NULL::integer, NULL::boolean;
END;
$$;
