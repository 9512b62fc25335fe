import { and, eq } from 'drizzle-orm';
import { kujiPrizes } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { rethrowDuplicate } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { managedPrizeImageKey } from './prize-image.rules.js';
import { normalisePrizeLabel } from './prize.rules.js';
import {
  assertRemainingWithinInitial,
  PRIZE_UNIQUE_FIELDS,
  toPrizeView,
  type PrizeView,
} from './prize.queries.js';
import { syncKujiBoard } from './epochs.js';
import { touchKujiBoard } from './draw-log.js';
import { assertCoversReserved, lockKujiInventory, recomputeKujiOnHand } from './recompute-kuji-on-hand.js';
import type { CreateKujiPrizeInput } from './create-kuji-prize.js';

export type UpdateKujiPrizeInput = Partial<Omit<CreateKujiPrizeInput, 'id'>> & {
  id: string;
  prizeId: string;
};

/**
 * B13 prize update: lock, merge, re-normalise, re-check remaining <= initial and the inventory invariant.
 * A replaced managed image is deleted only after the commit (failures are only logged).
 */
export async function updateKujiPrize(
  deps: Pick<Deps, 'db' | 'storage' | 'logger' | 'clock' | 'random' | 'beacon'>,
  actor: AdminActor,
  input: UpdateKujiPrizeInput,
): Promise<PrizeView> {
  const { view, replacedImageUrl } = await deps.db.transaction(async (tx) => {
    // Lock order of every kuji change: inventory row, then prize rows.
    const [exists] = await tx
      .select({ id: kujiPrizes.id })
      .from(kujiPrizes)
      .where(and(eq(kujiPrizes.id, input.prizeId), eq(kujiPrizes.productId, input.id)));
    if (!exists) throw notFound('Prize', { prizeId: input.prizeId });
    await lockKujiInventory(tx, input.id);
    const [current] = await tx
      .select()
      .from(kujiPrizes)
      .where(and(eq(kujiPrizes.id, input.prizeId), eq(kujiPrizes.productId, input.id)))
      .for('update');
    if (!current) throw notFound('Prize', { prizeId: input.prizeId });

    const merged = {
      prizeCode: normalisePrizeLabel(input.prizeCode ?? current.prizeCode),
      prizeTier: normalisePrizeLabel(input.prizeTier ?? current.prizeTier),
      name: input.name ?? current.name,
      description: input.description !== undefined ? input.description : current.description,
      imageUrl: input.imageUrl !== undefined ? input.imageUrl : current.imageUrl,
      initialQuantity: input.initialQuantity ?? current.initialQuantity,
      remainingQuantity: input.remainingQuantity ?? current.remainingQuantity,
      sortOrder: input.sortOrder ?? current.sortOrder,
    };
    assertRemainingWithinInitial(merged);
    const [row] = await tx
      .update(kujiPrizes)
      .set(merged)
      .where(eq(kujiPrizes.id, current.id))
      .returning()
      .catch((error: unknown) => rethrowDuplicate(error, PRIZE_UNIQUE_FIELDS));
    const inventory = await recomputeKujiOnHand(tx, input.id);
    // F12: a quantity change on a board on sale re-shuffles the undealt remainder as a new epoch.
    await syncKujiBoard(tx, deps, input.id);
    await touchKujiBoard(tx, input.id);
    assertCoversReserved(inventory);
    const updated = toPrizeView(row!);
    await recordAudit(tx, actor, {
      action: 'kuji_prize.update',
      entityType: 'kuji_prize',
      entityId: current.id,
      before: toPrizeView(current),
      after: { ...updated, productOnHand: inventory.onHand },
    });
    const replaced = input.imageUrl !== undefined && current.imageUrl && current.imageUrl !== merged.imageUrl;
    return { view: updated, replacedImageUrl: replaced ? current.imageUrl : null };
  });

  const oldKey = replacedImageUrl && managedPrizeImageKey(deps.storage, input.id, replacedImageUrl);
  if (oldKey) {
    await deps.storage.remove([oldKey]).catch((err: unknown) => {
      deps.logger.warn({ err, key: oldKey }, 'could not delete a replaced prize image');
    });
  }
  return view;
}
