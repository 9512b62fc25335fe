import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertAcceptableImage, imageObjectName, type IncomingImage } from '../catalog-admin/image.rules.js';
import { putAll, removeOrFail } from '../catalog-admin/image-objects.js';
import { assertKujiProduct } from './prize.queries.js';
import { prizeImagePrefix } from './prize-image.rules.js';

/** B13 prize image: one image under a unique kuji-prize key; answers its public URL for create/update. */
export async function uploadKujiPrizeImage(
  deps: Pick<Deps, 'db' | 'storage' | 'random' | 'logger'>,
  actor: AdminActor,
  input: { productId: string; file: IncomingImage },
): Promise<{ imageUrl: string }> {
  await assertKujiProduct(deps.db, input.productId);
  const contentType = assertAcceptableImage(input.file);
  const key = `${prizeImagePrefix(input.productId)}${imageObjectName(deps.random.uuid(), input.file.fileName)}`;
  await putAll(deps, [{ key, bytes: input.file.bytes, contentType }]);
  const imageUrl = deps.storage.publicUrl(key);
  try {
    await deps.db.transaction((tx) =>
      recordAudit(tx, actor, {
        action: 'kuji_prize.image.upload',
        entityType: 'product',
        entityId: input.productId,
        after: { storageKey: key, imageUrl },
      }),
    );
  } catch (error) {
    await removeOrFail(deps, [key], error);
    throw error;
  }
  return { imageUrl };
}
