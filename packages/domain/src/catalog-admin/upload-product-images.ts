import { eq, sql } from 'drizzle-orm';
import { productImages, products } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { UPLOAD_MAX_FILES } from '../shared/constants.js';
import { rows } from '../shared/sql.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertAcceptableImage, imageObjectName, type IncomingImage } from './image.rules.js';
import { putAll, removeOrFail } from './image-objects.js';
import { lockProduct } from './product-links.queries.js';
import { toImageRow } from './product-images.views.js';

export interface UploadProductImagesInput {
  productId: string;
  files: (IncomingImage & { altText?: string | null | undefined })[];
}

/**
 * B13 image upload: validate everything, store the objects (never overwriting), then insert the rows with
 * sort orders after the current maximum — all in one transaction with the audit row. Any failure after an
 * object was stored removes it again (compensation): a failed upload leaves no row and no object.
 */
export async function uploadProductImages(
  deps: Pick<Deps, 'db' | 'storage' | 'random' | 'logger'>,
  actor: AdminActor,
  input: UploadProductImagesInput,
) {
  const [exists] = await deps.db
    .select({ id: products.id })
    .from(products)
    .where(eq(products.id, input.productId));
  if (!exists) throw notFound('Product', { id: input.productId });
  if (!input.files.length) throw new DomainError('BAD_REQUEST', 'No image files', { field: 'files' });
  if (input.files.length > UPLOAD_MAX_FILES) {
    throw new DomainError('TOO_MANY_FILES', `At most ${UPLOAD_MAX_FILES} images per upload`);
  }
  const objects = input.files.map((file) => ({
    key: `products/${input.productId}/${imageObjectName(deps.random.uuid(), file.fileName)}`,
    bytes: file.bytes,
    contentType: assertAcceptableImage(file),
    altText: file.altText ?? null,
  }));

  await putAll(deps, objects);
  try {
    return await deps.db.transaction(async (tx) => {
      // The product lock serialises concurrent uploads, so their sort orders do not interleave.
      if (!(await lockProduct(tx, input.productId))) throw notFound('Product', { id: input.productId });
      const [{ max } = { max: -1 }] = await rows<{ max: number }>(
        tx,
        sql`select coalesce(max(sort_order), -1)::int as max from product_images where product_id = ${input.productId}`,
      );
      const inserted = await tx
        .insert(productImages)
        .values(
          objects.map((o, i) => ({
            productId: input.productId,
            storageKey: o.key,
            sortOrder: max + 1 + i,
            altText: o.altText,
          })),
        )
        .returning();
      const images = inserted.map((row) => toImageRow(deps.storage, row));
      await recordAudit(tx, actor, {
        action: 'product.image.upload',
        entityType: 'product',
        entityId: input.productId,
        after: {
          images: images.map((i) => ({ id: i.id, storageKey: i.storageKey, sortOrder: i.sortOrder })),
        },
      });
      return { images };
    });
  } catch (error) {
    await removeOrFail(
      deps,
      objects.map((o) => o.key),
      error,
    );
    throw error;
  }
}
