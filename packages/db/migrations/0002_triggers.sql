-- Custom migration: what drizzle-kit cannot express.
-- Functions pin search_path = '' (tables schema-qualified) so they behave the same whatever the caller's path.

-- 1. updated_at: refreshed on every UPDATE (spec (a) conventions), so application code never sets it.
CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON public.customers
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER collections_set_updated_at BEFORE UPDATE ON public.collections
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER tags_set_updated_at BEFORE UPDATE ON public.tags
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER product_images_set_updated_at BEFORE UPDATE ON public.product_images
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER product_inventory_set_updated_at BEFORE UPDATE ON public.product_inventory
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON public.orders
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER inventory_reservations_set_updated_at BEFORE UPDATE ON public.inventory_reservations
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER kuji_prizes_set_updated_at BEFORE UPDATE ON public.kuji_prizes
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER order_items_set_updated_at BEFORE UPDATE ON public.order_items
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON public.payments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER payment_refunds_set_updated_at BEFORE UPDATE ON public.payment_refunds
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER tickets_set_updated_at BEFORE UPDATE ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER shipments_set_updated_at BEFORE UPDATE ON public.shipments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER legal_documents_set_updated_at BEFORE UPDATE ON public.legal_documents
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER faq_items_set_updated_at BEFORE UPDATE ON public.faq_items
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER store_settings_set_updated_at BEFORE UPDATE ON public.store_settings
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER email_outbox_set_updated_at BEFORE UPDATE ON public.email_outbox
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER kuji_decks_set_updated_at BEFORE UPDATE ON public.kuji_decks
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint
-- products: a pure search_vector recompute (tag link added/removed, tag renamed) is not an edit of the
-- product, so it must not move the product in the admin "recently updated" list. Trigger names fire in
-- alphabetical order, so products_search_vector_refresh has already recomputed NEW.search_vector here.
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON public.products
  FOR EACH ROW
  WHEN (OLD.search_vector IS NOT DISTINCT FROM NEW.search_vector
        OR OLD.name IS DISTINCT FROM NEW.name
        OR OLD.description IS DISTINCT FROM NEW.description)
  EXECUTE FUNCTION public.set_updated_at();
--> statement-breakpoint

-- 2. products.search_vector (spec "products"): name weight A ('simple'), space-joined names of linked tags
--    weight B ('simple'), description weight C ('english'). Only the products trigger computes it; the tag
--    triggers "touch" the column (SET search_vector = search_vector) to make it fire.
CREATE OR REPLACE FUNCTION public.product_search_vector(p_id uuid, p_name text, p_description text)
RETURNS tsvector
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT setweight(to_tsvector('simple'::regconfig, coalesce(p_name, '')), 'A')
      || setweight(to_tsvector('simple'::regconfig, coalesce((
           SELECT string_agg(t.name, ' ' ORDER BY t.name, t.id)
           FROM public.product_tags pt
           JOIN public.tags t ON t.id = pt.tag_id
           WHERE pt.product_id = p_id
         ), '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(p_description, '')), 'C');
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.products_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.search_vector := public.product_search_vector(NEW.id, NEW.name, NEW.description);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- search_vector is in the column list so any write to it (including an app bug) is replaced by the real value.
CREATE TRIGGER products_search_vector_refresh
  BEFORE INSERT OR UPDATE OF name, description, search_vector ON public.products
  FOR EACH ROW EXECUTE FUNCTION public.products_search_vector_refresh();
--> statement-breakpoint

-- product_tags: statement-level with transition tables, so replacing a product's tags (delete n + insert m)
-- recomputes each affected product once per statement instead of once per link.
CREATE OR REPLACE FUNCTION public.product_tags_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE public.products p SET search_vector = p.search_vector
    WHERE p.id IN (SELECT n.product_id FROM new_links n);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE public.products p SET search_vector = p.search_vector
    WHERE p.id IN (SELECT o.product_id FROM old_links o);
  ELSE
    UPDATE public.products p SET search_vector = p.search_vector
    WHERE p.id IN (SELECT n.product_id FROM new_links n UNION SELECT o.product_id FROM old_links o);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER product_tags_search_vector_insert AFTER INSERT ON public.product_tags
  REFERENCING NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_tags_search_vector_refresh();
--> statement-breakpoint
CREATE TRIGGER product_tags_search_vector_update AFTER UPDATE ON public.product_tags
  REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_tags_search_vector_refresh();
--> statement-breakpoint
CREATE TRIGGER product_tags_search_vector_delete AFTER DELETE ON public.product_tags
  REFERENCING OLD TABLE AS old_links
  FOR EACH STATEMENT EXECUTE FUNCTION public.product_tags_search_vector_refresh();
--> statement-breakpoint

-- tags: a rename changes the weight-B text of every linked product.
CREATE OR REPLACE FUNCTION public.tags_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  UPDATE public.products p SET search_vector = p.search_vector
  WHERE p.id IN (SELECT pt.product_id FROM public.product_tags pt WHERE pt.tag_id = NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tags_search_vector_refresh AFTER UPDATE OF name ON public.tags
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION public.tags_search_vector_refresh();

-- 3. Deliberately absent: the kuji on_hand trigger of the spec. The application recomputes a kuji product's
--    on_hand in the same transaction as every prize change (allowed by spec "product_inventory").
