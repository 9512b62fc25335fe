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
