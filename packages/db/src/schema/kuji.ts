import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { products } from './catalog.js';
import { createdAt, id, tstz, updatedAt } from './columns.js';
import { customers, orderItems, orders } from './orders.js';

/**
 * Prize lines of a kuji board. `prize_code` (A1, A2, …) identifies a line, `prize_tier` (A, B, …, LO) is
 * the display tier; both stored trimmed and upper-cased by the app. Tier `LO` = Last One prize.
 */
export const kujiPrizes = pgTable(
  'kuji_prizes',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    prizeCode: varchar('prize_code', { length: 64 }).notNull(),
    prizeTier: varchar('prize_tier', { length: 64 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description'),
    imageUrl: varchar('image_url', { length: 500 }),
    initialQuantity: integer('initial_quantity').notNull(),
    remainingQuantity: integer('remaining_quantity').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('kuji_prizes_product_id_prize_code_key').on(t.productId, t.prizeCode),
    check('kuji_prizes_prize_code_not_blank_check', sql`btrim(${t.prizeCode}) <> ''`),
    check('kuji_prizes_prize_tier_not_blank_check', sql`btrim(${t.prizeTier}) <> ''`),
    check('kuji_prizes_initial_quantity_check', sql`${t.initialQuantity} >= 0`),
    check('kuji_prizes_remaining_quantity_check', sql`${t.remainingQuantity} >= 0`),
    check(
      'kuji_prizes_remaining_not_above_initial_check',
      sql`${t.remainingQuantity} <= ${t.initialQuantity}`,
    ),
    check('kuji_prizes_sort_order_check', sql`${t.sortOrder} >= 0`),
    // Allocation locks a board's prizes in (sort_order, id) order.
    index('kuji_prizes_product_id_sort_order_id_idx').on(t.productId, t.sortOrder, t.id),
  ],
);

/**
 * F12: one deck per kuji product. A paid draw takes `q` positions with a single guarded update:
 *   UPDATE kuji_decks SET next_position = next_position + q
 *   WHERE product_id = $1 AND next_position + q <= total_cards + 1
 *   RETURNING next_position - q AS first_position
 * Zero rows updated = not enough cards left.
 */
export const kujiDecks = pgTable(
  'kuji_decks',
  {
    productId: uuid('product_id')
      .primaryKey()
      .references(() => products.id, { onDelete: 'cascade' }),
    totalCards: integer('total_cards').notNull(),
    nextPosition: integer('next_position').notNull().default(1),
    currentEpoch: integer('current_epoch').notNull().default(0),
    /**
     * v2: the last position claimed by a logged (paid) line. Positions `next_position … claimed_through` are
     * claimed but not dealt yet (their line waits for its beacon round). A paid line claims with one guarded
     * update: `claimed_through + q <= total_cards`.
     */
    claimedThrough: integer('claimed_through').notNull().default(0),
    /**
     * The highest beacon round dealt on this board. A paid line always targets a later round, so a line whose
     * transaction commits late can never be dealt after a later round's lines (the deal order is public).
     */
    lastDealtRound: bigint('last_dealt_round', { mode: 'number' }).notNull().default(0),
    /** Bumped by every change a live-board subscriber can see (claim, deal, epoch); the SSE event id. */
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('kuji_decks_total_cards_check', sql`${t.totalCards} >= 0`),
    check('kuji_decks_claimed_through_check', sql`${t.claimedThrough} >= ${t.nextPosition} - 1`),
    check('kuji_decks_claimed_through_bound_check', sql`${t.claimedThrough} <= ${t.totalCards}`),
    check('kuji_decks_next_position_check', sql`${t.nextPosition} >= 1`),
    check('kuji_decks_next_position_bound_check', sql`${t.nextPosition} <= ${t.totalCards} + 1`),
    check('kuji_decks_current_epoch_check', sql`${t.currentEpoch} >= 0`),
  ],
);

/**
 * One shuffle of (the undealt part of) a deck. `seed_hex` stays secret until `revealed_at`;
 * `commitment` = SHA-256 hex over seed + manifest, published immediately.
 */
export const kujiDeckEpochs = pgTable(
  'kuji_deck_epochs',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    epoch: integer('epoch').notNull(),
    firstPosition: integer('first_position').notNull(),
    cardCount: integer('card_count').notNull(),
    seedHex: varchar('seed_hex', { length: 64 }).notNull(),
    commitment: varchar('commitment', { length: 64 }).notNull(),
    recipeVersion: varchar('recipe_version', { length: 32 }).notNull(),
    manifest: jsonb('manifest').notNull(),
    /** v2: the Last One prize this epoch promises (`{ prizeId, code, count }`, count 0 or 1), committed. */
    lastOne: jsonb('last_one'),
    /** v2: what changed against the previous epoch's undealt cards (`[{ prizeId, code, before, after }]`). */
    changes: jsonb('changes')
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** v2: the beacon chain whose rounds deal this epoch's lines. */
    beaconChainHash: varchar('beacon_chain_hash', { length: 64 }).references(() => kujiBeaconChains.hash, {
      onDelete: 'restrict',
    }),
    /** Why the seed was revealed: sold_out | admin_change | ended | upgraded. */
    revealReason: varchar('reveal_reason', { length: 32 }),
    revealedAt: tstz('revealed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('kuji_deck_epochs_product_id_epoch_key').on(t.productId, t.epoch),
    check('kuji_deck_epochs_epoch_check', sql`${t.epoch} >= 1`),
    check('kuji_deck_epochs_first_position_check', sql`${t.firstPosition} >= 1`),
    check('kuji_deck_epochs_card_count_check', sql`${t.cardCount} >= 0`),
  ],
);

/** The shuffled deck: `position` is 1-based and global across epochs. */
export const kujiDeckCards = pgTable(
  'kuji_deck_cards',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    epochId: uuid('epoch_id')
      .notNull()
      .references(() => kujiDeckEpochs.id, { onDelete: 'cascade' }),
    prizeId: uuid('prize_id')
      .notNull()
      .references(() => kujiPrizes.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'kuji_deck_cards_pkey', columns: [t.productId, t.position] }),
    check('kuji_deck_cards_position_check', sql`${t.position} >= 1`),
    // FK lookups: cascading epoch deletes and the RESTRICT check when a prize line is deleted.
    index('kuji_deck_cards_epoch_id_idx').on(t.epochId),
    index('kuji_deck_cards_prize_id_idx').on(t.prizeId),
  ],
);

/**
 * Kuji draws, created at successful finalisation (the customer exists by then, so `customer_id` is
 * NOT NULL). `deck_epoch_id`/`deck_position` tie a ticket to the dealt card (both set or both null).
 */
export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    orderItemId: uuid('order_item_id')
      .notNull()
      .references(() => orderItems.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'restrict' }),
    kujiProductId: uuid('kuji_product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    /** Null while the ticket's line waits for its beacon round (v2); set once dealt. */
    kujiPrizeId: uuid('kuji_prize_id').references(() => kujiPrizes.id, { onDelete: 'restrict' }),
    /** v2: the draw-log line this ticket belongs to (its public line reference). */
    drawLogId: uuid('draw_log_id').references(() => kujiDrawLog.id, { onDelete: 'restrict' }),
    ticketNumber: varchar('ticket_number', { length: 64 }).notNull().unique('tickets_ticket_number_key'),
    deckEpochId: uuid('deck_epoch_id').references(() => kujiDeckEpochs.id, { onDelete: 'restrict' }),
    deckPosition: integer('deck_position'),
    revealedAt: tstz('revealed_at'),
    voidedAt: tstz('voided_at'),
    voidReason: varchar('void_reason', { length: 255 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('tickets_kuji_product_id_deck_position_key').on(t.kujiProductId, t.deckPosition),
    check('tickets_deck_position_check', sql`${t.deckPosition} >= 1`),
    // Dealt = position + prize + epoch; pending (v2) = draw-log line + epoch, no position, no prize.
    check(
      'tickets_dealt_or_pending_check',
      sql`(${t.deckPosition} is not null and ${t.kujiPrizeId} is not null and ${t.deckEpochId} is not null)
        or (${t.deckPosition} is null and ${t.kujiPrizeId} is not null and ${t.deckEpochId} is null)
        or (${t.deckPosition} is null and ${t.kujiPrizeId} is null and ${t.drawLogId} is not null and ${t.deckEpochId} is not null)`,
    ),
    index('tickets_order_id_created_at_id_idx').on(t.orderId, t.createdAt, t.id),
    index('tickets_order_item_id_idx').on(t.orderItemId),
    index('tickets_customer_id_idx').on(t.customerId),
    index('tickets_kuji_prize_id_idx').on(t.kujiPrizeId),
    index('tickets_deck_epoch_id_idx').on(t.deckEpochId),
    index('tickets_draw_log_id_idx').on(t.drawLogId),
  ],
);

/**
 * A randomness beacon chain (drand quicknet in production, the local beacon in dev/tests): what a verifier
 * needs to check a round's signature and when each round is published
 * (`genesis_time + (round − 1) · period_seconds`).
 */
export const kujiBeaconChains = pgTable('kuji_beacon_chains', {
  hash: varchar('hash', { length: 64 }).primaryKey(),
  scheme: varchar('scheme', { length: 64 }).notNull(),
  publicKey: varchar('public_key', { length: 256 }).notNull(),
  periodSeconds: integer('period_seconds').notNull(),
  genesisTime: bigint('genesis_time', { mode: 'number' }).notNull(),
  label: varchar('label', { length: 100 }).notNull(),
  createdAt: createdAt(),
});

/** Beacon rounds used to deal, stored once fetched and verified, published in the fairness document. */
export const kujiBeaconRounds = pgTable(
  'kuji_beacon_rounds',
  {
    chainHash: varchar('chain_hash', { length: 64 })
      .notNull()
      .references(() => kujiBeaconChains.hash, { onDelete: 'restrict' }),
    round: bigint('round', { mode: 'number' }).notNull(),
    randomness: varchar('randomness', { length: 64 }).notNull(),
    signature: varchar('signature', { length: 256 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'kuji_beacon_rounds_pkey', columns: [t.chainHash, t.round] }),
    check('kuji_beacon_rounds_round_check', sql`${t.round} >= 1`),
  ],
);

/**
 * v2 public, append-only, hash-chained draw log of a board: `epoch` entries (a commitment published),
 * `draw` entries (a paid line: count + target beacon round, written in the finalisation transaction) and
 * `void` entries (dealt tickets voided by a refund or cancellation). `entry_hash` = SHA-256 over the previous
 * entry's hash and this entry's immutable fields (recipe in the verifier). A trigger forbids deletes and any
 * update except recording the deal (`first_position`, `won_last_one`, `dealt_at`, once).
 * `order_item_id` is private (never published).
 */
export const kujiDrawLog = pgTable(
  'kuji_draw_log',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: varchar('kind', { length: 16 }).notNull(),
    epoch: integer('epoch').notNull(),
    /** draw/void: the public line reference (`ln_…`); epoch: null. */
    lineRef: varchar('line_ref', { length: 32 }),
    orderItemId: uuid('order_item_id').references(() => orderItems.id, { onDelete: 'restrict' }),
    /** draw: tickets in the line; void: tickets voided; epoch: cards in the epoch. */
    ticketCount: integer('ticket_count').notNull(),
    /** draw: the beacon round that deals the line. */
    targetRound: bigint('target_round', { mode: 'number' }),
    /** epoch: its commitment. */
    commitment: varchar('commitment', { length: 64 }),
    /** void: the voided positions and why. */
    voidPositions: integer('void_positions').array(),
    voidReason: varchar('void_reason', { length: 32 }),
    prevHash: varchar('prev_hash', { length: 64 }).notNull(),
    entryHash: varchar('entry_hash', { length: 64 }).notNull(),
    loggedAt: tstz('logged_at').notNull(),
    /** draw, once dealt: the line's first position (its positions are contiguous) and its Last One. */
    firstPosition: integer('first_position'),
    wonLastOne: boolean('won_last_one'),
    dealtAt: tstz('dealt_at'),
  },
  (t) => [
    unique('kuji_draw_log_product_id_seq_key').on(t.productId, t.seq),
    unique('kuji_draw_log_entry_hash_key').on(t.entryHash),
    check('kuji_draw_log_seq_check', sql`${t.seq} >= 1`),
    check('kuji_draw_log_kind_check', sql`${t.kind} in ('epoch', 'draw', 'void')`),
    check('kuji_draw_log_ticket_count_check', sql`${t.ticketCount} >= 0`),
    check(
      'kuji_draw_log_draw_fields_check',
      sql`${t.kind} <> 'draw' or (${t.lineRef} is not null and ${t.targetRound} is not null and ${t.ticketCount} >= 1)`,
    ),
    check(
      'kuji_draw_log_void_fields_check',
      sql`${t.kind} <> 'void' or (${t.lineRef} is not null and ${t.voidPositions} is not null and ${t.voidReason} is not null)`,
    ),
    check('kuji_draw_log_epoch_fields_check', sql`${t.kind} <> 'epoch' or ${t.commitment} is not null`),
    check(
      'kuji_draw_log_dealt_fields_check',
      sql`(${t.firstPosition} is null) = (${t.dealtAt} is null) and (${t.dealtAt} is null or ${t.kind} = 'draw')`,
    ),
    // The dealer's queue: a board's undealt lines by round.
    index('kuji_draw_log_undealt_idx')
      .on(t.productId, t.targetRound, t.seq)
      .where(sql`${t.kind} = 'draw' and ${t.dealtAt} is null`),
    index('kuji_draw_log_order_item_id_idx').on(t.orderItemId),
    uniqueIndex('kuji_draw_log_draw_line_ref_key')
      .on(t.productId, t.lineRef)
      .where(sql`${t.kind} = 'draw'`),
  ],
);
