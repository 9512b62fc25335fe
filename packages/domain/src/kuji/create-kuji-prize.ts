import { kujiPrizes } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { rethrowDuplicate } from '../shared/db-errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { normalisePrizeLabel } from './prize.rules.js';
import {
  assertKujiProduct,
  assertRemainingWithinInitial,
  PRIZE_UNIQUE_FIELDS,
  toPrizeView,
  type PrizeView,
} from './prize.queries.js';
import { syncKujiBoard } from './epochs.js';
import { touchKujiBoard } from './draw-log.js';
import { assertCoversReserved, lockKujiInventory, recomputeKujiOnHand } from './recompute-kuji-on-hand.js';

export interface CreateKujiPrizeInput {
  id: string;
  prizeCode: string;
  prizeTier: string;
  name: string;
  description?: string | null | undefined;
  imageUrl?: string | null | undefined;
  initialQuantity: number;
  remainingQuantity?: number | undefined;
  sortOrder?: number | undefined;
}

/**
 * B13 prize create: normalised code/tier, remaining defaulting to initial (<= initial, else 409), then the
 * derived on_hand recomputed in the same transaction and checked against reserved.
 */
export async function createKujiPrize(
  deps: Pick<Deps, 'db' | 'clock' | 'random' | 'beacon'>,
  actor: AdminActor,
  input: CreateKujiPrizeInput,
): Promise<PrizeView> {
  const remainingQuantity = input.remainingQuantity ?? input.initialQuantity;
  assertRemainingWithinInitial({ initialQuantity: input.initialQuantity, remainingQuantity });
  return deps.db.transaction(async (tx) => {
    await assertKujiProduct(tx, input.id);
    await lockKujiInventory(tx, input.id);
    const [row] = await tx
      .insert(kujiPrizes)
      .values({
        productId: input.id,
        prizeCode: normalisePrizeLabel(input.prizeCode),
        prizeTier: normalisePrizeLabel(input.prizeTier),
        name: input.name,
        description: input.description ?? null,
        imageUrl: input.imageUrl ?? null,
        initialQuantity: input.initialQuantity,
        remainingQuantity,
        sortOrder: input.sortOrder ?? 0,
      })
      .returning()
      .catch((error: unknown) => rethrowDuplicate(error, PRIZE_UNIQUE_FIELDS));
    const inventory = await recomputeKujiOnHand(tx, input.id);
    // F12: a quantity change on a board on sale re-shuffles the undealt remainder as a new epoch.
    await syncKujiBoard(tx, deps, input.id);
    await touchKujiBoard(tx, input.id);
    assertCoversReserved(inventory);
    const view = toPrizeView(row!);
    await recordAudit(tx, actor, {
      action: 'kuji_prize.create',
      entityType: 'kuji_prize',
      entityId: view.id,
      after: { ...view, productOnHand: inventory.onHand },
    });
    return view;
  });
}
