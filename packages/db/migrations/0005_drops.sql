CREATE TYPE "public"."pre_sale_visibility" AS ENUM('announced', 'hidden');--> statement-breakpoint
CREATE TABLE "alert_deliveries" (
	"event_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY("event_id","subscription_id")
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"product_id" uuid NOT NULL,
	"tag_id" uuid,
	"units" integer,
	"status" text DEFAULT 'pending' NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"outcome" varchar(40),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "alert_events_kind_check" CHECK ("alert_events"."kind" in ('back_in_stock', 'sale_starts', 'new_board')),
	CONSTRAINT "alert_events_status_check" CHECK ("alert_events"."status" in ('pending', 'done')),
	CONSTRAINT "alert_events_sent_check" CHECK ("alert_events"."sent" >= 0)
);
--> statement-breakpoint
CREATE TABLE "alert_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(320) NOT NULL,
	"kind" text NOT NULL,
	"product_id" uuid,
	"tag_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"confirm_nonce" varchar(64),
	"unsubscribe_url" text NOT NULL,
	"shop_url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"notified_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	CONSTRAINT "alert_subscriptions_kind_check" CHECK ("alert_subscriptions"."kind" in ('back_in_stock', 'sale_starts', 'new_board')),
	CONSTRAINT "alert_subscriptions_status_check" CHECK ("alert_subscriptions"."status" in ('pending', 'confirmed', 'notified', 'unsubscribed')),
	CONSTRAINT "alert_subscriptions_target_check" CHECK (("alert_subscriptions"."kind" = 'new_board') = ("alert_subscriptions"."tag_id" is not null and "alert_subscriptions"."product_id" is null)
          and ("alert_subscriptions"."kind" = 'new_board' or "alert_subscriptions"."product_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sales_start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sales_end_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "pre_sale_visibility" "pre_sale_visibility" DEFAULT 'announced' NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "max_per_order" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "max_per_buyer" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_email_key" varchar(320);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_card_fingerprint" varchar(255);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_address_key" varchar(64);--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_event_id_alert_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."alert_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_subscription_id_alert_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."alert_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_subscriptions" ADD CONSTRAINT "alert_subscriptions_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_subscriptions" ADD CONSTRAINT "alert_subscriptions_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_subscription_id_idx" ON "alert_deliveries" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "alert_events_status_created_at_idx" ON "alert_events" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "alert_events_product_id_idx" ON "alert_events" USING btree ("product_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_subscriptions_product_key" ON "alert_subscriptions" USING btree ("email","kind","product_id") WHERE "alert_subscriptions"."product_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_subscriptions_tag_key" ON "alert_subscriptions" USING btree ("email","kind","tag_id") WHERE "alert_subscriptions"."tag_id" is not null;--> statement-breakpoint
CREATE INDEX "alert_subscriptions_product_send_idx" ON "alert_subscriptions" USING btree ("product_id","kind","status","created_at","id");--> statement-breakpoint
CREATE INDEX "alert_subscriptions_tag_send_idx" ON "alert_subscriptions" USING btree ("tag_id","kind","status","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_buyer_email_key_idx" ON "orders" USING btree ("buyer_email_key");--> statement-breakpoint
CREATE INDEX "orders_buyer_card_fingerprint_idx" ON "orders" USING btree ("buyer_card_fingerprint");--> statement-breakpoint
CREATE INDEX "orders_buyer_address_key_idx" ON "orders" USING btree ("buyer_address_key");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_sale_window_check" CHECK ("products"."sales_start_at" is null or "products"."sales_end_at" is null or "products"."sales_end_at" > "products"."sales_start_at");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_max_per_order_check" CHECK ("products"."max_per_order" IS NULL OR "products"."max_per_order" >= 1);--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_max_per_buyer_check" CHECK ("products"."max_per_buyer" IS NULL OR "products"."max_per_buyer" >= 1);--> statement-breakpoint
-- custom:
-- Issue 13 back-in-stock events. Every path that gives stock back (admin inventory edit, a cancelled,
-- expired or failed checkout releasing its reservation, the expiry sweeps, checkout's F16 release) ends in an
-- UPDATE of product_inventory; this trigger turns "a sold-out standard product became available" into an
-- alert event in that same transaction. Only when a confirmed subscriber waits, and not while an earlier
-- back_in_stock event of the product is still being sent (the sender re-reads availability anyway).
CREATE OR REPLACE FUNCTION public.record_back_in_stock_event() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF (OLD.on_hand - OLD.reserved) <= 0 AND (NEW.on_hand - NEW.reserved) > 0
     AND EXISTS (SELECT 1 FROM public.products p
                 WHERE p.id = NEW.product_id AND p.product_type = 'standard' AND p.status = 'active')
     AND EXISTS (SELECT 1 FROM public.alert_subscriptions s
                 WHERE s.product_id = NEW.product_id AND s.kind = 'back_in_stock' AND s.status = 'confirmed')
     AND NOT EXISTS (SELECT 1 FROM public.alert_events e
                     WHERE e.product_id = NEW.product_id AND e.kind = 'back_in_stock' AND e.status = 'pending')
  THEN
    INSERT INTO public.alert_events (kind, product_id, units)
    VALUES ('back_in_stock', NEW.product_id, NEW.on_hand - NEW.reserved);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER product_inventory_back_in_stock AFTER UPDATE OF on_hand, reserved ON public.product_inventory
  FOR EACH ROW EXECUTE FUNCTION public.record_back_in_stock_event();
