CREATE TABLE "kuji_beacon_chains" (
	"hash" varchar(64) PRIMARY KEY NOT NULL,
	"scheme" varchar(64) NOT NULL,
	"public_key" varchar(256) NOT NULL,
	"period_seconds" integer NOT NULL,
	"genesis_time" bigint NOT NULL,
	"label" varchar(100) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kuji_beacon_rounds" (
	"chain_hash" varchar(64) NOT NULL,
	"round" bigint NOT NULL,
	"randomness" varchar(64) NOT NULL,
	"signature" varchar(256) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kuji_beacon_rounds_pkey" PRIMARY KEY("chain_hash","round"),
	CONSTRAINT "kuji_beacon_rounds_round_check" CHECK ("kuji_beacon_rounds"."round" >= 1)
);
--> statement-breakpoint
CREATE TABLE "kuji_draw_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" varchar(16) NOT NULL,
	"epoch" integer NOT NULL,
	"line_ref" varchar(32),
	"order_item_id" uuid,
	"ticket_count" integer NOT NULL,
	"target_round" bigint,
	"commitment" varchar(64),
	"void_positions" integer[],
	"void_reason" varchar(32),
	"prev_hash" varchar(64) NOT NULL,
	"entry_hash" varchar(64) NOT NULL,
	"logged_at" timestamp with time zone NOT NULL,
	"first_position" integer,
	"won_last_one" boolean,
	"dealt_at" timestamp with time zone,
	CONSTRAINT "kuji_draw_log_product_id_seq_key" UNIQUE("product_id","seq"),
	CONSTRAINT "kuji_draw_log_entry_hash_key" UNIQUE("entry_hash"),
	CONSTRAINT "kuji_draw_log_seq_check" CHECK ("kuji_draw_log"."seq" >= 1),
	CONSTRAINT "kuji_draw_log_kind_check" CHECK ("kuji_draw_log"."kind" in ('epoch', 'draw', 'void')),
	CONSTRAINT "kuji_draw_log_ticket_count_check" CHECK ("kuji_draw_log"."ticket_count" >= 0),
	CONSTRAINT "kuji_draw_log_draw_fields_check" CHECK ("kuji_draw_log"."kind" <> 'draw' or ("kuji_draw_log"."line_ref" is not null and "kuji_draw_log"."target_round" is not null and "kuji_draw_log"."ticket_count" >= 1)),
	CONSTRAINT "kuji_draw_log_void_fields_check" CHECK ("kuji_draw_log"."kind" <> 'void' or ("kuji_draw_log"."line_ref" is not null and "kuji_draw_log"."void_positions" is not null and "kuji_draw_log"."void_reason" is not null)),
	CONSTRAINT "kuji_draw_log_epoch_fields_check" CHECK ("kuji_draw_log"."kind" <> 'epoch' or "kuji_draw_log"."commitment" is not null),
	CONSTRAINT "kuji_draw_log_dealt_fields_check" CHECK (("kuji_draw_log"."first_position" is null) = ("kuji_draw_log"."dealt_at" is null) and ("kuji_draw_log"."dealt_at" is null or "kuji_draw_log"."kind" = 'draw'))
);
--> statement-breakpoint
ALTER TABLE "tickets" DROP CONSTRAINT "tickets_deck_fields_together_check";--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "kuji_prize_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "kuji_deck_epochs" ADD COLUMN "last_one" jsonb;--> statement-breakpoint
ALTER TABLE "kuji_deck_epochs" ADD COLUMN "changes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "kuji_deck_epochs" ADD COLUMN "beacon_chain_hash" varchar(64);--> statement-breakpoint
ALTER TABLE "kuji_deck_epochs" ADD COLUMN "reveal_reason" varchar(32);--> statement-breakpoint
ALTER TABLE "kuji_decks" ADD COLUMN "claimed_through" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "kuji_decks" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "draw_log_id" uuid;--> statement-breakpoint
ALTER TABLE "kuji_beacon_rounds" ADD CONSTRAINT "kuji_beacon_rounds_chain_hash_kuji_beacon_chains_hash_fk" FOREIGN KEY ("chain_hash") REFERENCES "public"."kuji_beacon_chains"("hash") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kuji_draw_log" ADD CONSTRAINT "kuji_draw_log_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kuji_draw_log" ADD CONSTRAINT "kuji_draw_log_order_item_id_order_items_id_fk" FOREIGN KEY ("order_item_id") REFERENCES "public"."order_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kuji_draw_log_undealt_idx" ON "kuji_draw_log" USING btree ("product_id","target_round","seq") WHERE "kuji_draw_log"."kind" = 'draw' and "kuji_draw_log"."dealt_at" is null;--> statement-breakpoint
CREATE INDEX "kuji_draw_log_order_item_id_idx" ON "kuji_draw_log" USING btree ("order_item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "kuji_draw_log_draw_line_ref_key" ON "kuji_draw_log" USING btree ("product_id","line_ref") WHERE "kuji_draw_log"."kind" = 'draw';--> statement-breakpoint
ALTER TABLE "kuji_deck_epochs" ADD CONSTRAINT "kuji_deck_epochs_beacon_chain_hash_kuji_beacon_chains_hash_fk" FOREIGN KEY ("beacon_chain_hash") REFERENCES "public"."kuji_beacon_chains"("hash") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_draw_log_id_kuji_draw_log_id_fk" FOREIGN KEY ("draw_log_id") REFERENCES "public"."kuji_draw_log"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_draw_log_id_idx" ON "tickets" USING btree ("draw_log_id");--> statement-breakpoint
UPDATE "kuji_decks" SET "claimed_through" = "next_position" - 1;--> statement-breakpoint
ALTER TABLE "kuji_decks" ADD CONSTRAINT "kuji_decks_claimed_through_check" CHECK ("kuji_decks"."claimed_through" >= "kuji_decks"."next_position" - 1);--> statement-breakpoint
ALTER TABLE "kuji_decks" ADD CONSTRAINT "kuji_decks_claimed_through_bound_check" CHECK ("kuji_decks"."claimed_through" <= "kuji_decks"."total_cards");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_dealt_or_pending_check" CHECK (("tickets"."deck_position" is not null and "tickets"."kuji_prize_id" is not null and "tickets"."deck_epoch_id" is not null)
        or ("tickets"."deck_position" is null and "tickets"."kuji_prize_id" is not null and "tickets"."deck_epoch_id" is null)
        or ("tickets"."deck_position" is null and "tickets"."kuji_prize_id" is null and "tickets"."draw_log_id" is not null and "tickets"."deck_epoch_id" is not null));--> statement-breakpoint
-- Custom: the draw log is append-only. Only the deal may be recorded (first_position, won_last_one, dealt_at),
-- once; deletes are refused unless the board itself is being deleted (the product row is gone).
CREATE OR REPLACE FUNCTION public.kuji_draw_log_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM public.products p WHERE p.id = OLD.product_id) THEN
      RAISE EXCEPTION 'kuji_draw_log is append-only: entry % of board % cannot be deleted', OLD.seq, OLD.product_id
        USING ERRCODE = 'P0001';
    END IF;
    RETURN OLD;
  END IF;
  IF (NEW.id, NEW.product_id, NEW.seq, NEW.kind, NEW.epoch, NEW.line_ref, NEW.order_item_id, NEW.ticket_count,
      NEW.target_round, NEW.commitment, NEW.void_positions, NEW.void_reason, NEW.prev_hash, NEW.entry_hash,
      NEW.logged_at)
     IS DISTINCT FROM
     (OLD.id, OLD.product_id, OLD.seq, OLD.kind, OLD.epoch, OLD.line_ref, OLD.order_item_id, OLD.ticket_count,
      OLD.target_round, OLD.commitment, OLD.void_positions, OLD.void_reason, OLD.prev_hash, OLD.entry_hash,
      OLD.logged_at) THEN
    RAISE EXCEPTION 'kuji_draw_log is append-only: entry % of board % cannot be changed', OLD.seq, OLD.product_id
      USING ERRCODE = 'P0001';
  END IF;
  IF OLD.dealt_at IS NOT NULL AND (NEW.first_position, NEW.won_last_one, NEW.dealt_at)
       IS DISTINCT FROM (OLD.first_position, OLD.won_last_one, OLD.dealt_at) THEN
    RAISE EXCEPTION 'kuji_draw_log: the deal of entry % of board % is already recorded', OLD.seq, OLD.product_id
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER kuji_draw_log_append_only BEFORE UPDATE OR DELETE ON public.kuji_draw_log
  FOR EACH ROW EXECUTE FUNCTION public.kuji_draw_log_append_only();
