import type { Tx } from '@popbox/db';
import type { Deps } from '../../shared/deps.js';
import { recordAudit, type AdminActor } from '../../audit/record-audit.js';
import { touchKujiBoard } from '../../kuji/draw-log.js';
import { getReconciliationReport, type ReconciliationReport } from './get-reconciliation-report.js';
import {
  kujiOnHandDrift,
  lockProductCounters,
  prizeRemainingDrift,
  reservedDrift,
  setOnHand,
  setPrizeRemaining,
  setReserved,
} from './reconciliation.queries.js';
import { isRepairable, type DriftKind } from './reconciliation.rules.js';

export interface RepairInput {
  /** Limit the repair to these products; every product with repairable drift when omitted. */
  productIds?: string[] | undefined;
}

export interface Repair {
  kind: DriftKind;
  productId: string;
  prizeId: string | null;
  before: number;
  after: number;
}

/**
 * F14: explicit, audited repair. Each product is repaired in its own transaction under its row locks (the
 * inventory row, the deck row, then its prizes by (sort_order, id) — the order finalisation and dealing take
 * them, B20), and every counter is re-checked under those locks before it is written: drift that vanished in
 * the meantime is left alone. Prizes go first because a kuji board's on_hand is derived from them. One audit
 * row per counter. A prize is only ever set to the undealt cards of its board's current epoch (issue 12), so
 * a repair cannot put withdrawn prizes back or promise a Last One twice; deck counters are never written.
 */
export async function repairReconciliationDrift(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: AdminActor,
  input: RepairInput,
): Promise<{ repaired: Repair[]; report: ReconciliationReport }> {
  const before = await getReconciliationReport(deps);
  const wanted = input.productIds ? new Set(input.productIds) : null;
  const productIds = [
    ...new Set(
      before.items
        .filter((i) => i.repairable && (!wanted || wanted.has(i.productId)))
        .map((i) => i.productId),
    ),
  ].sort();

  const repaired: Repair[] = [];
  for (const productId of productIds) {
    repaired.push(...(await deps.db.transaction((tx) => repairProduct(tx, actor, productId))));
  }
  return { repaired, report: await getReconciliationReport(deps) };
}

async function repairProduct(tx: Tx, actor: AdminActor, productId: string): Promise<Repair[]> {
  await lockProductCounters(tx, productId);
  const done: Repair[] = [];
  const audit = (repair: Repair, counter: string) =>
    recordAudit(tx, actor, {
      action: 'reconciliation.repair',
      entityType: repair.prizeId ? 'kuji_prize' : 'product_inventory',
      entityId: repair.prizeId ?? productId,
      before: { counter, value: repair.before, productId },
      after: { counter, value: repair.after, productId },
    });

  for (const row of await prizeRemainingDrift(tx, productId)) {
    if (!row.prizeId || !isRepairable('prize_remaining', row.expected)) continue;
    if (!(await setPrizeRemaining(tx, row.prizeId, row.recorded, row.expected))) continue;
    const repair = {
      kind: 'prize_remaining' as const,
      productId,
      prizeId: row.prizeId,
      before: row.recorded,
      after: row.expected,
    };
    await audit(repair, 'remaining_quantity');
    done.push(repair);
  }
  // The live board shows the prizes' remaining counts.
  if (done.length > 0) await touchKujiBoard(tx, productId);
  for (const row of await kujiOnHandDrift(tx, productId)) {
    if (!(await setOnHand(tx, productId, row.recorded, row.expected))) continue;
    const repair = {
      kind: 'kuji_on_hand' as const,
      productId,
      prizeId: null,
      before: row.recorded,
      after: row.expected,
    };
    await audit(repair, 'on_hand');
    done.push(repair);
  }
  for (const row of await reservedDrift(tx, productId)) {
    if (!(await setReserved(tx, productId, row.recorded, row.expected))) continue;
    const repair = {
      kind: 'inventory_reserved' as const,
      productId,
      prizeId: null,
      before: row.recorded,
      after: row.expected,
    };
    await audit(repair, 'reserved');
    done.push(repair);
  }
  return done;
}
