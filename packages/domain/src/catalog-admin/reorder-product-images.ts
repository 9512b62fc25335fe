import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { productImages } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { dedupe, lockProduct } from './product-links.queries.js';
import { toImageRow } from './product-images.views.js';

/** B13 reorder: listed images get sort orders 1..n in the given order; unlisted ones keep theirs. */
export async function reorderProductImages(
  deps: Pick<Deps, 'db' | 'storage'>,
  actor: AdminActor,
  input: { id: string; imageIds: string[] },
) {
  const imageIds = dedupe(input.imageIds);
  return deps.db.transaction(async (tx) => {
    if (!(await lockProduct(tx, input.id))) throw notFound('Product', { id: input.id });
    const owned = await tx
      .select({ id: productImages.id, sortOrder: productImages.sortOrder })
      .from(productImages)
      .where(and(eq(productImages.productId, input.id), inArray(productImages.id, imageIds)));
    const missing = imageIds.filter((id) => !owned.some((o) => o.id === id));
    if (missing.length) throw notFound('Image', { imageIds: missing });
    // One statement for the whole list, whatever its length.
    const positions = sql.join(
      imageIds.map((id, i) => sql`(${id}::uuid, ${i + 1}::int)`),
      sql`, `,
    );
    await tx.execute(sql`update product_images im set sort_order = v.pos
                         from (values ${positions}) as v(id, pos) where im.id = v.id`);
    const all = await tx
      .select()
      .from(productImages)
      .where(eq(productImages.productId, input.id))
      .orderBy(asc(productImages.sortOrder), asc(productImages.id));
    await recordAudit(tx, actor, {
      action: 'product.image.reorder',
      entityType: 'product',
      entityId: input.id,
      before: { order: owned.map((o) => ({ id: o.id, sortOrder: o.sortOrder })) },
      after: { order: imageIds.map((id, i) => ({ id, sortOrder: i + 1 })) },
    });
    return { images: all.map((row) => toImageRow(deps.storage, row)) };
  });
}
