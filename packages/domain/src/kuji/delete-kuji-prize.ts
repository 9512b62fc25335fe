import { and, eq } from 'drizzle-orm';
import { kujiPrizes } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { rethrowStillReferenced } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { toPrizeView } from './prize.queries.js';
import { syncKujiBoard } from './epochs.js';
import { touchKujiBoard } from './draw-log.js';
import { assertCoversReserved, lockKujiInventory, recomputeKujiOnHand } from './recompute-kuji-on-hand.js';

/**
 * B13 prize delete, then the derived on_hand is recomputed and must still cover reserved. A prize that does
 * not exist, or belongs to another product, is a 404 (spec (e); answering `deleted: true` for a delete that
 * deleted nothing misled admins). A prize that tickets or deck cards reference cannot be deleted (409).
 */
export async function deleteKujiPrize(
  deps: Pick<Deps, 'db' | 'clock' | 'random' | 'beacon'>,
  actor: AdminActor,
  input: { id: string; prizeId: string },
): Promise<{ id: string; deleted: true }> {
  await deps.db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: kujiPrizes.id })
      .from(kujiPrizes)
      .where(and(eq(kujiPrizes.id, input.prizeId), eq(kujiPrizes.productId, input.id)));
    if (!target) throw notFound('Prize', { prizeId: input.prizeId });
    await lockKujiInventory(tx, input.id);
    const deleted = await tx
      .delete(kujiPrizes)
      .where(and(eq(kujiPrizes.id, input.prizeId), eq(kujiPrizes.productId, input.id)))
      .returning()
      .catch((error: unknown) => rethrowStillReferenced(error, 'Prize'));
    if (!deleted.length) throw notFound('Prize', { prizeId: input.prizeId });
    assertCoversReserved(await recomputeKujiOnHand(tx, input.id));
    await syncKujiBoard(tx, deps, input.id);
    await touchKujiBoard(tx, input.id);
    await recordAudit(tx, actor, {
      action: 'kuji_prize.delete',
      entityType: 'kuji_prize',
      entityId: input.prizeId,
      before: toPrizeView(deleted[0]!),
    });
  });
  return { id: input.prizeId, deleted: true };
}
