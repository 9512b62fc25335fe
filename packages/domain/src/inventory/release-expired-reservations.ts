import type { Deps } from '../shared/deps.js';
import type { ExpiryBatchOptions } from './expire-pending-orders.js';
import { claimClosedOrdersWithHolds, expireReservationsOfOrders } from './expiry.queries.js';

export interface ReleaseExpiredReservationsResult {
  batches: number;
  orders: number;
  releasedUnits: number;
}

/**
 * B19 cleanupExpiredReservations, the safety net: expired or cancelled orders that still hold active
 * reservations give those units back (as `expired`). Normal flows release in the same transaction as the
 * status change; what remains is mostly F16's partial release (it frees only the product a checkout
 * needed). One transaction per batch, claimed with SKIP LOCKED like the expiry sweep.
 */
export async function releaseExpiredReservations(
  deps: Pick<Deps, 'db' | 'logger'>,
  opts: ExpiryBatchOptions,
): Promise<ReleaseExpiredReservationsResult> {
  const result: ReleaseExpiredReservationsResult = { batches: 0, orders: 0, releasedUnits: 0 };
  while (result.batches < opts.maxBatches) {
    const batch = await deps.db.transaction(async (tx) => {
      const claimed = await claimClosedOrdersWithHolds(tx, opts.batchSize);
      const releasedUnits = await expireReservationsOfOrders(
        tx,
        claimed.map((o) => o.id),
      );
      return { orders: claimed.length, releasedUnits };
    });
    result.batches += 1;
    result.orders += batch.orders;
    result.releasedUnits += batch.releasedUnits;
    if (batch.orders < opts.batchSize) break;
  }
  if (result.orders) {
    deps.logger.info(result, 'released reservations left on closed orders');
  }
  return result;
}
