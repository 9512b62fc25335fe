ALTER TABLE "products" ADD COLUMN "max_per_order" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "max_per_buyer" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_email_key" varchar(320);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_card_fingerprint" varchar(255);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer_address_key" varchar(64);--> statement-breakpoint
CREATE INDEX "orders_buyer_email_key_idx" ON "orders" USING btree ("buyer_email_key");--> statement-breakpoint
CREATE INDEX "orders_buyer_card_fingerprint_idx" ON "orders" USING btree ("buyer_card_fingerprint");--> statement-breakpoint
CREATE INDEX "orders_buyer_address_key_idx" ON "orders" USING btree ("buyer_address_key");--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_max_per_order_check" CHECK ("products"."max_per_order" IS NULL OR "products"."max_per_order" >= 1);--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_max_per_buyer_check" CHECK ("products"."max_per_buyer" IS NULL OR "products"."max_per_buyer" >= 1);