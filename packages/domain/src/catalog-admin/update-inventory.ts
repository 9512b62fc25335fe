import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { isoMs, rows } from '../shared/sql.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertCoversReserved } from '../kuji/recompute-kuji-on-hand.js';

export interface InventoryRowView {
  productId: string;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
  createdAt: string;
  updatedAt: string;
}

const returning = sql`product_id as "productId", on_hand as "onHand", reserved,
  low_stock_threshold as "lowStockThreshold", ${isoMs(sql`created_at`)} as "createdAt",
  ${isoMs(sql`updated_at`)} as "updatedAt"`;

/**
 * B13 inventory edit (standard products only): under the row lock, the new on_hand must still cover what
 * checkouts have reserved.
 */
export async function updateInventory(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: { id: string; onHand?: number | undefined; lowStockThreshold?: number | undefined },
): Promise<InventoryRowView> {
  return deps.db.transaction(async (tx) => {
    const [product] = await rows<{ productType: string }>(
      tx,
      sql`select product_type as "productType" from products where id = ${input.id}`,
    );
    if (!product) throw notFound('Product', { id: input.id });
    if (product.productType !== 'standard') {
      throw new DomainError('WRONG_PRODUCT_TYPE', 'Kuji stock is derived from its prizes');
    }
    const [before] = await rows<InventoryRowView>(
      tx,
      sql`select ${returning} from product_inventory where product_id = ${input.id} for update`,
    );
    if (!before) throw notFound('Inventory', { productId: input.id });
    const onHand = input.onHand ?? before.onHand;
    assertCoversReserved({ onHand, reserved: before.reserved });
    const [after] = await rows<InventoryRowView>(
      tx,
      sql`update product_inventory
          set on_hand = ${onHand}, low_stock_threshold = ${input.lowStockThreshold ?? before.lowStockThreshold}
          where product_id = ${input.id} returning ${returning}`,
    );
    await recordAudit(tx, actor, {
      action: 'product.inventory.update',
      entityType: 'product',
      entityId: input.id,
      before: {
        onHand: before.onHand,
        reserved: before.reserved,
        lowStockThreshold: before.lowStockThreshold,
      },
      after: {
        onHand: after!.onHand,
        reserved: after!.reserved,
        lowStockThreshold: after!.lowStockThreshold,
      },
    });
    return after!;
  });
}
