CREATE TYPE "public"."pre_sale_visibility" AS ENUM('announced', 'hidden');--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sales_start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sales_end_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "pre_sale_visibility" "pre_sale_visibility" DEFAULT 'announced' NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_sale_window_check" CHECK ("products"."sales_start_at" is null or "products"."sales_end_at" is null or "products"."sales_end_at" > "products"."sales_start_at");