-- from 0006_catalog_cache_outbox_checkout.sql
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

--> statement-breakpoint
-- from 0006_product_cards.sql
CREATE TABLE "product_cards" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"card" json NOT NULL,
	"detail" json NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_cards" ADD CONSTRAINT "product_cards_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- custom:
-- Issue 14 product-card read model. Stored as `json` (the text of the jsonb built here), not `jsonb`: a list
-- page sends every card to the client, and json's output is a copy where jsonb's must re-serialise (measured:
-- 20 cards cost ~0.14 ms of backend CPU as jsonb, ~0.04 ms as json). `refresh_product_cards(ids)` rebuilds the cards of the given products from
-- the source tables with the same JSON the live queries of packages/domain/src/catalog built (key names, orders
-- and formats must stay in step with `product-card.queries.ts` / `product-detail.queries.ts`, which the admin
-- detail still reads live; a test compares both after every kind of write). Triggers on every table the card
-- reads call it in the SAME transaction as the write, so a committed write never leaves a stale card and a
-- rolled-back one leaves it untouched. product_inventory is deliberately NOT part of the card and has no such
-- trigger: stock is joined by primary key at read time, so the checkout's guarded update stays short.
-- Kuji remaining counts ARE in the card: remaining_quantity changes only when rounds are dealt (jobs app),
-- on admin prize edits and on reconciliation repairs, never on the checkout path.
CREATE OR REPLACE FUNCTION public.refresh_product_cards(p_ids uuid[]) RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  -- Two transactions writing to one product must not lose either change: wait for the other writer's card
  -- row first, so the card below is computed from a snapshot taken AFTER its commit (each statement of this
  -- volatile function takes a fresh snapshot under READ COMMITTED). Without the lock the later writer's
  -- upsert would overwrite the card with one built from its older snapshot. Only the card rows are locked
  -- (readers never lock them; checkout never touches them). A product being inserted has no row yet, and
  -- nothing else can write to it before that insert commits.
  PERFORM 1 FROM public.product_cards c WHERE c.product_id = ANY (p_ids) ORDER BY c.product_id FOR UPDATE;
  INSERT INTO public.product_cards (product_id, card, detail)
  SELECT p.id,
    jsonb_build_object(
      'id', p.id, 'name', p.name, 'slug', p.slug, 'description', p.description,
      'productType', p.product_type, 'status', p.status, 'priceCents', p.price_cents, 'currency', p.currency,
      'maxPerOrder', p.max_per_order, 'maxPerBuyer', p.max_per_buyer,
      'collections', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'slug', c.slug)
                                  ORDER BY pc.sort_order, c.name, c.id), '[]'::jsonb)
        FROM public.product_collections pc JOIN public.collections c ON c.id = pc.collection_id
        WHERE pc.product_id = p.id),
      -- Primary image rule (spec "product_images"): lowest sort_order, then oldest, then lowest id.
      'primaryImage', (
        SELECT jsonb_build_object('id', im.id, 'storageKey', im.storage_key, 'altText', im.alt_text,
                                  'sortOrder', im.sort_order)
        FROM public.product_images im WHERE im.product_id = p.id
        ORDER BY im.sort_order, im.created_at, im.id LIMIT 1),
      -- Non-Last-One sums of a kuji board (public board data); null for other products.
      'ticketSummary', CASE WHEN p.product_type = 'kuji' THEN (
        SELECT jsonb_build_object(
          'remainingTickets', coalesce(sum(kp.remaining_quantity) FILTER (WHERE kp.prize_tier <> 'LO'), 0),
          'totalTickets', coalesce(sum(kp.initial_quantity) FILTER (WHERE kp.prize_tier <> 'LO'), 0))
        FROM public.kuji_prizes kp WHERE kp.product_id = p.id) END,
      'salesStartAt', to_char(p.sales_start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'salesEndAt', to_char(p.sales_end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'preSaleVisibility', p.pre_sale_visibility)::json,
    jsonb_build_object(
      'sku', p.sku,
      'images', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', im.id, 'storageKey', im.storage_key,
                                  'altText', im.alt_text, 'sortOrder', im.sort_order)
                                  ORDER BY im.sort_order, im.id), '[]'::jsonb)
        FROM public.product_images im WHERE im.product_id = p.id),
      'tags', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name, 'slug', t.slug,
                                  'tagType', t.tag_type) ORDER BY t.name, t.id), '[]'::jsonb)
        FROM public.product_tags pt JOIN public.tags t ON t.id = pt.tag_id WHERE pt.product_id = p.id),
      -- Every prize line including Last One, in board order.
      'kujiPrizes', CASE WHEN p.product_type = 'kuji' THEN (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
          'id', kp.id, 'prizeCode', kp.prize_code, 'prizeTier', kp.prize_tier, 'name', kp.name,
          'description', kp.description, 'imageUrl', kp.image_url, 'remainingQuantity', kp.remaining_quantity,
          'initialQuantity', kp.initial_quantity, 'sortOrder', kp.sort_order) ORDER BY kp.sort_order, kp.id),
          '[]'::jsonb)
        FROM public.kuji_prizes kp WHERE kp.product_id = p.id) ELSE '[]'::jsonb END,
      'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'updatedAt', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::json
  FROM public.products p
  WHERE p.id = ANY (p_ids)
  ON CONFLICT (product_id) DO UPDATE SET card = EXCLUDED.card, detail = EXCLUDED.detail
    -- A touch that changes nothing (e.g. the search_vector refresh) writes no new row version. Both sides
    -- are jsonb's canonical text, so comparing the text is exact (json has no equality operator).
    WHERE public.product_cards.card::text IS DISTINCT FROM EXCLUDED.card::text
       OR public.product_cards.detail::text IS DISTINCT FROM EXCLUDED.detail::text;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.refresh_product_card(p_id uuid) RETURNS void
LANGUAGE sql SET search_path = '' AS $$
  SELECT public.refresh_product_cards(ARRAY[p_id]);
$$;
--> statement-breakpoint
-- products: statement-level with transition tables, so a bulk insert (seed, import) or a bulk update builds
-- each card once per statement. Deletes need nothing: the card row goes with the product (FK cascade).
CREATE OR REPLACE FUNCTION public.products_refresh_cards() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM public.refresh_product_cards(ARRAY(SELECT n.id FROM new_products n));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER products_refresh_cards_insert AFTER INSERT ON public.products
  REFERENCING NEW TABLE AS new_products
  FOR EACH STATEMENT EXECUTE FUNCTION public.products_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER products_refresh_cards_update AFTER UPDATE ON public.products
  REFERENCING NEW TABLE AS new_products
  FOR EACH STATEMENT EXECUTE FUNCTION public.products_refresh_cards();
--> statement-breakpoint
-- Tables keyed by product_id (images, collection links, tag links, kuji prizes): one function for all, the
-- affected products taken from the statement's transition tables (both sides on UPDATE: a row may move).
CREATE OR REPLACE FUNCTION public.product_rows_refresh_cards() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM public.refresh_product_cards(ARRAY(SELECT DISTINCT n.product_id FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM public.refresh_product_cards(ARRAY(SELECT DISTINCT o.product_id FROM old_rows o));
  ELSE
    PERFORM public.refresh_product_cards(ARRAY(
      SELECT n.product_id FROM new_rows n UNION SELECT o.product_id FROM old_rows o));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER product_images_refresh_cards_insert AFTER INSERT ON public.product_images
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_images_refresh_cards_update AFTER UPDATE ON public.product_images
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_images_refresh_cards_delete AFTER DELETE ON public.product_images
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_collections_refresh_cards_insert AFTER INSERT ON public.product_collections
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_collections_refresh_cards_update AFTER UPDATE ON public.product_collections
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_collections_refresh_cards_delete AFTER DELETE ON public.product_collections
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_tags_refresh_cards_insert AFTER INSERT ON public.product_tags
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_tags_refresh_cards_update AFTER UPDATE ON public.product_tags
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER product_tags_refresh_cards_delete AFTER DELETE ON public.product_tags
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER kuji_prizes_refresh_cards_insert AFTER INSERT ON public.kuji_prizes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER kuji_prizes_refresh_cards_update AFTER UPDATE ON public.kuji_prizes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
CREATE TRIGGER kuji_prizes_refresh_cards_delete AFTER DELETE ON public.kuji_prizes
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.product_rows_refresh_cards();
--> statement-breakpoint
-- collections / tags: a rename (or new slug / tag type) shows on every linked product's card. Row-level with a
-- WHEN, so sort_order / is_active edits rebuild nothing. Deletes cascade to the link rows, whose triggers fire.
CREATE OR REPLACE FUNCTION public.collections_refresh_cards() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM public.refresh_product_cards(ARRAY(
    SELECT pc.product_id FROM public.product_collections pc WHERE pc.collection_id = NEW.id));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER collections_refresh_cards AFTER UPDATE ON public.collections
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug)
  EXECUTE FUNCTION public.collections_refresh_cards();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.tags_refresh_cards() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM public.refresh_product_cards(ARRAY(
    SELECT pt.product_id FROM public.product_tags pt WHERE pt.tag_id = NEW.id));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tags_refresh_cards AFTER UPDATE ON public.tags
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
                     OR OLD.tag_type IS DISTINCT FROM NEW.tag_type)
  EXECUTE FUNCTION public.tags_refresh_cards();
--> statement-breakpoint
-- Backfill: every existing product gets its card in this migration.
SELECT public.refresh_product_cards(ARRAY(SELECT id FROM public.products));
--> statement-breakpoint
-- Issue 14, cheaper trending (B2): the demand score of every product with recent demand, as a plpgsql function
-- so its plan is prepared once per connection (planning the inline aggregation over orders, order_items and
-- reservations cost ~3x its execution on every home/trending read). Session-safe: no named statement, no
-- state a transaction pooler could lose. Exact, not a memo: it reads the tables at `p_now` on every call.
-- The buckets come from the caller (packages/domain/src/catalog/trending.rules.ts stays the one source):
-- an event weighs the weight of the freshest bucket it falls in (`at >= p_now - days`, inclusive).
CREATE OR REPLACE FUNCTION public.trending_demand(
  p_now timestamptz,
  p_paid_statuses public.order_status[],
  p_paid_days integer[], p_paid_weights integer[],
  p_intent_days integer[], p_intent_weights integer[]
) RETURNS TABLE (product_id uuid, score bigint)
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  -- Bucket lower bounds in ascending time (oldest first) and their weights, for width_bucket().
  paid_edges timestamptz[] := ARRAY(SELECT p_now - make_interval(days => b.d)
                                    FROM unnest(p_paid_days) b(d) ORDER BY b.d DESC);
  paid_weights integer[] := ARRAY(SELECT b.w FROM unnest(p_paid_days, p_paid_weights) b(d, w) ORDER BY b.d DESC);
  intent_edges timestamptz[] := ARRAY(SELECT p_now - make_interval(days => b.d)
                                      FROM unnest(p_intent_days) b(d) ORDER BY b.d DESC);
  intent_weights integer[] := ARRAY(SELECT b.w FROM unnest(p_intent_days, p_intent_weights) b(d, w)
                                    ORDER BY b.d DESC);
BEGIN
  RETURN QUERY
  SELECT e.product_id, sum(e.points)::bigint FROM (
    SELECT oi.product_id,
           oi.quantity * coalesce(paid_weights[width_bucket(coalesce(o.paid_at, o.placed_at, o.created_at),
                                                            paid_edges)], 0) AS points
    FROM public.order_items oi JOIN public.orders o ON o.id = oi.order_id
    WHERE o.status = ANY (p_paid_statuses)
      AND coalesce(o.paid_at, o.placed_at, o.created_at) >= paid_edges[1]
      AND coalesce(o.paid_at, o.placed_at, o.created_at) <= p_now
    UNION ALL
    SELECT r.product_id, r.quantity * coalesce(intent_weights[width_bucket(r.created_at, intent_edges)], 0)
    FROM public.inventory_reservations r
    WHERE r.status = 'active' AND r.expires_at > p_now
      AND r.created_at >= intent_edges[1] AND r.created_at <= p_now
  ) e
  GROUP BY e.product_id;
END;
$$;
