-- from 0006_outbox_write_order.sql
ALTER TABLE "email_outbox" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "email_outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "email_outbox_pending_order_seq_idx" ON "email_outbox" USING btree ("order_id","seq") WHERE "email_outbox"."status" in ('queued', 'sending') and "email_outbox"."order_id" is not null;
--> statement-breakpoint
-- from 0006_public_read_version.sql
CREATE SEQUENCE "public"."public_read_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
-- custom:
-- Issue 14: every statement that changes what an anonymous public read returns takes the next public-read
-- version and notifies it (LISTEN public_read; delivered at commit, dropped on rollback). Volatile numbers —
-- stock (product_inventory), kuji counts (kuji_prizes.remaining_quantity, decks, draw log, tickets) and the
-- trending signals (orders, reservations) — bump nothing: they change on every sale, and the caches of the
-- reads that show them expire within a second instead.
CREATE OR REPLACE FUNCTION public.bump_public_read_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM pg_notify('public_read', nextval('public.public_read_version')::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'product_images', 'product_collections', 'product_tags', 'collections',
                           'tags', 'legal_documents', 'faq_items', 'store_settings']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON public.%I
                      FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_read_version()',
                   t || '_public_read_bump', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON public.%I
                      FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_read_version()',
                   t || '_public_read_truncate', t);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- kuji_prizes: every column but remaining_quantity (the deal and reconciliation set only that one).
CREATE TRIGGER kuji_prizes_public_read_bump
  AFTER INSERT OR DELETE OR UPDATE OF product_id, prize_code, prize_tier, name, description, image_url,
    initial_quantity, sort_order ON public.kuji_prizes
  FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_read_version();
--> statement-breakpoint
CREATE TRIGGER kuji_prizes_public_read_truncate AFTER TRUNCATE ON public.kuji_prizes
  FOR EACH STATEMENT EXECUTE FUNCTION public.bump_public_read_version();

--> statement-breakpoint
-- from 0006_checkout_write_functions.sql
-- custom: issue 14, a cheaper checkout.
-- Each statement a checkout sends costs PostgreSQL more to receive, parse and plan than to run (the API
-- sends unnamed statements, the only kind a transaction pooler allows). These two functions hold the
-- checkout's fixed writes: PL/pgSQL keeps the plans of its statements for the life of the server connection,
-- which is invisible to a pooler. They make no business decision the TypeScript caller has not made: the
-- caller prices, validates and caps the cart, and takes the stock (the guarded update) itself, last.
-- search_path = '' (tables schema-qualified), as for every function here.

-- 1. The pending order's rows (B3 step 10): the order (no customer, F2), its items with their snapshots, one
--    stock hold per line and the pending payment. Line arrays are parallel, in the cart's (product id) order.
CREATE OR REPLACE FUNCTION public.checkout_insert_pending_order(
  p_order_id uuid, p_public_id text, p_currency text, p_subtotal_cents integer, p_shipping_cents integer,
  p_total_cents integer, p_idempotency_key text, p_email text, p_name text, p_email_key text,
  p_product_ids uuid[], p_names text[], p_types public.product_type[], p_unit_prices integer[],
  p_quantities integer[], p_slugs text[], p_descriptions text[], p_expires_at timestamptz
) RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  INSERT INTO public.orders (id, public_id, status, currency, subtotal_cents, tax_cents, shipping_cents,
                             total_cents, checkout_idempotency_key, checkout_email, checkout_name, buyer_email_key)
  VALUES (p_order_id, p_public_id, 'pending_payment', p_currency, p_subtotal_cents, 0, p_shipping_cents,
          p_total_cents, p_idempotency_key, p_email, p_name, p_email_key);
  INSERT INTO public.order_items (order_id, product_id, product_name, product_type, unit_price_cents, quantity,
                                  line_total_cents, metadata)
  SELECT p_order_id, l.product_id, l.name, l.product_type, l.unit_price, l.quantity, l.unit_price * l.quantity,
         jsonb_build_object('slug', l.slug, 'description', l.description)
    FROM unnest(p_product_ids, p_names, p_types, p_unit_prices, p_quantities, p_slugs, p_descriptions)
         AS l (product_id, name, product_type, unit_price, quantity, slug, description);
  INSERT INTO public.inventory_reservations (order_id, product_id, quantity, expires_at)
  SELECT p_order_id, l.product_id, l.quantity, p_expires_at
    FROM unnest(p_product_ids, p_quantities) AS l (product_id, quantity);
  INSERT INTO public.payments (order_id, amount_cents, currency, status)
  VALUES (p_order_id, p_total_cents, p_currency, 'pending');
END;
$$;
--> statement-breakpoint

-- 2. After the provider opened the session (F3, F6): lock the checkout's key (whoever finishes it takes turns on
--    it, key before order as everywhere); only while it is still in progress, give the pending order (that has
--    no other session) its session, record it on the payment and store the answer with the key. Returns the
--    key as locked (null columns when it is gone) and whether the order took the session; when it did not,
--    nothing was written and the caller decides (CHECKOUT_NOT_REUSABLE, or the stored answer).
CREATE OR REPLACE FUNCTION public.checkout_attach_session(
  p_claim_id uuid, p_order_id uuid, p_session_id text, p_payment_intent_id text, p_raw_response jsonb,
  p_answer jsonb, p_completed_at timestamptz
) RETURNS TABLE (key_state text, key_response_status integer, key_response_body jsonb, attached boolean)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_state text;
  v_status integer;
  v_body jsonb;
BEGIN
  SELECT k.state, k.response_status, k.response_body INTO v_state, v_status, v_body
    FROM public.idempotency_keys k WHERE k.id = p_claim_id FOR UPDATE;
  IF v_state IS DISTINCT FROM 'in_progress' AND v_state IS NOT NULL THEN
    RETURN QUERY SELECT v_state, v_status, v_body, false;
    RETURN;
  END IF;
  UPDATE public.orders o SET stripe_checkout_session_id = p_session_id
   WHERE o.id = p_order_id AND o.status = 'pending_payment'
     AND (o.stripe_checkout_session_id IS NULL OR o.stripe_checkout_session_id = p_session_id);
  IF NOT FOUND THEN
    RETURN QUERY SELECT v_state, v_status, v_body, false;
    RETURN;
  END IF;
  UPDATE public.payments p
     SET provider_checkout_session_id = p_session_id, provider_payment_intent_id = p_payment_intent_id,
         raw_response = p_raw_response
   WHERE p.order_id = p_order_id;
  UPDATE public.idempotency_keys k
     SET state = 'completed', response_status = 201, response_body = p_answer, resource_id = p_order_id,
         completed_at = p_completed_at
   WHERE k.id = p_claim_id;
  RETURN QUERY SELECT v_state, v_status, v_body, true;
END;
$$;
--> statement-breakpoint

-- 3. What a checkout reads before its transaction, in one call: the Idempotency-Key's record (null columns
--    for a fresh key), the cart's capped products as JSON (null when none is capped: issue 13's guards) and
--    the stored shipping setting. Planning this query (products has a dozen indexes) cost more than running it.
CREATE OR REPLACE FUNCTION public.checkout_context(
  p_scope text, p_key text, p_product_ids uuid[], p_shipping_key text
) RETURNS TABLE (key_id uuid, key_fingerprint text, key_state text, key_response_status integer,
                 key_response_body jsonb, key_resource_id uuid, caps json, shipping jsonb)
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  RETURN QUERY
  SELECT k.id, k.fingerprint::text, k.state, k.response_status, k.response_body, k.resource_id,
         (SELECT json_agg(json_build_object('productId', p.id, 'name', p.name, 'maxPerOrder', p.max_per_order,
                                            'maxPerBuyer', p.max_per_buyer, 'salesStartAt', p.sales_start_at)
                          ORDER BY p.id)
            FROM public.products p
           WHERE p.id = ANY (p_product_ids) AND (p.max_per_order IS NOT NULL OR p.max_per_buyer IS NOT NULL)),
         (SELECT s.value FROM public.store_settings s WHERE s.key = p_shipping_key)
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN public.idempotency_keys k ON k.scope = p_scope AND k.key = p_key;
END;
$$;
--> statement-breakpoint

-- 4. The cart's products, share-locked (security rule 3: prices and status are read from rows no admin edit
--    can change under the checkout; share locks never make two checkouts wait for each other), in product-id
--    order, with whether each has an inventory row. Same reason as 3: a plan kept instead of one per checkout.
CREATE OR REPLACE FUNCTION public.checkout_products_for_share(p_ids uuid[])
RETURNS TABLE (id uuid, name text, slug text, description text, status text, product_type text,
               price_cents integer, sales_start_at timestamptz, sales_end_at timestamptz,
               pre_sale_visibility text, max_per_order integer, max_per_buyer integer, has_inventory boolean)
LANGUAGE plpgsql SET search_path = '' AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT p.id, p.name::text, p.slug::text, p.description, p.status::text, p.product_type::text, p.price_cents,
         p.sales_start_at, p.sales_end_at, p.pre_sale_visibility::text, p.max_per_order, p.max_per_buyer,
         i.product_id IS NOT NULL
    FROM public.products p
    LEFT JOIN public.product_inventory i ON i.product_id = p.id
   WHERE p.id = ANY (p_ids)
   ORDER BY p.id
     FOR SHARE OF p;
END;
$$;
