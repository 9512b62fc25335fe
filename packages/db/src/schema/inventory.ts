import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { products } from './catalog.js';
import { createdAt, id, tstz, updatedAt } from './columns.js';
import { inventoryReservationStatus } from './enums.js';
import { orders } from './orders.js';

/**
 * One row per product. `reserved <= on_hand` is deliberately NOT a database check: the app enforces it
 * at admin edits and checkout, and a check would turn a legitimate ordering of updates inside one
 * transaction (e.g. consuming a kuji reservation before on_hand is recomputed) into an error.
 * For kuji products `on_hand` is recomputed by the application in the same transaction as every prize change.
 */
export const productInventory = pgTable(
  'product_inventory',
  {
    productId: uuid('product_id')
      .primaryKey()
      .references(() => products.id, { onDelete: 'cascade' }),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('product_inventory_on_hand_check', sql`${t.onHand} >= 0`),
    check('product_inventory_reserved_check', sql`${t.reserved} >= 0`),
    check('product_inventory_low_stock_threshold_check', sql`${t.lowStockThreshold} >= 0`),
  ],
);

export const inventoryReservations = pgTable(
  'inventory_reservations',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    quantity: integer('quantity').notNull(),
    status: inventoryReservationStatus('status').notNull().default('active'),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('inventory_reservations_quantity_check', sql`${t.quantity} > 0`),
    index('inventory_reservations_order_id_status_idx').on(t.orderId, t.status),
    index('inventory_reservations_product_id_status_idx').on(t.productId, t.status),
    index('inventory_reservations_status_expires_at_id_idx').on(t.status, t.expiresAt, t.id),
  ],
);
