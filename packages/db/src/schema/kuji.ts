import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('kuji_decks_total_cards_check', sql`${t.totalCards} >= 0`),
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
    kujiPrizeId: uuid('kuji_prize_id')
      .notNull()
      .references(() => kujiPrizes.id, { onDelete: 'restrict' }),
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
    check(
      'tickets_deck_fields_together_check',
      sql`(${t.deckEpochId} is null) = (${t.deckPosition} is null)`,
    ),
    index('tickets_order_id_created_at_id_idx').on(t.orderId, t.createdAt, t.id),
    index('tickets_order_item_id_idx').on(t.orderItemId),
    index('tickets_customer_id_idx').on(t.customerId),
    index('tickets_kuji_prize_id_idx').on(t.kujiPrizeId),
    index('tickets_deck_epoch_id_idx').on(t.deckEpochId),
  ],
);
