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
