import { and, eq } from 'drizzle-orm';
import { productImages } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { storageFailure } from '../ports/storage-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';

/**
 * B13 delete: the storage object goes first (a storage failure is a 502/503 and the row stays, so the
 * image can be retried), then the row and its audit entry.
 */
export async function deleteProductImage(
  deps: Pick<Deps, 'db' | 'storage'>,
  actor: AdminActor,
  input: { id: string; imageId: string },
): Promise<{ id: string; deleted: true }> {
  const mine = and(eq(productImages.id, input.imageId), eq(productImages.productId, input.id));
  const [image] = await deps.db.select().from(productImages).where(mine);
  if (!image) throw notFound('Image', { imageId: input.imageId });
  try {
    await deps.storage.remove([image.storageKey]);
  } catch (error) {
    throw storageFailure(error);
  }
  await deps.db.transaction(async (tx) => {
    const deleted = await tx.delete(productImages).where(mine).returning({ id: productImages.id });
    if (!deleted.length) return; // deleted concurrently: nothing left to record
    await recordAudit(tx, actor, {
      action: 'product.image.delete',
      entityType: 'product',
      entityId: input.id,
      before: {
        id: image.id,
        storageKey: image.storageKey,
        sortOrder: image.sortOrder,
        altText: image.altText,
      },
    });
  });
  return { id: input.imageId, deleted: true };
}
