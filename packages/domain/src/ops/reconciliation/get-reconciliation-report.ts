import type { Deps } from '../../shared/deps.js';
import {
  deckPendingDrift,
  deckPositionDrift,
  kujiOnHandDrift,
  prizeRemainingDrift,
  reservedDrift,
} from './reconciliation.queries.js';
import { toDriftItem, type DriftItem } from './reconciliation.rules.js';

export interface ReconciliationReport {
  checkedAt: string;
  clean: boolean;
  items: DriftItem[];
}

/**
 * F14: every counter compared with its source. Read-only, in one repeatable-read snapshot so the
 * checks describe the same moment. Drift is reported here and repaired only on request.
 */
export async function getReconciliationReport(
  deps: Pick<Deps, 'db' | 'clock'>,
): Promise<ReconciliationReport> {
  const items = await deps.db.transaction(
    async (tx) => [
      ...(await reservedDrift(tx)).map((r) => toDriftItem('inventory_reserved', r)),
      ...(await kujiOnHandDrift(tx)).map((r) => toDriftItem('kuji_on_hand', r)),
      ...(await prizeRemainingDrift(tx)).map((r) => toDriftItem('prize_remaining', r)),
      ...(await deckPositionDrift(tx)).map((r) => toDriftItem('deck_position', r)),
      ...(await deckPendingDrift(tx)).map((r) => toDriftItem('deck_pending', r)),
    ],
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return { checkedAt: deps.clock.now().toISOString(), clean: items.length === 0, items };
}
