import type { Deps } from '../shared/deps.js';
import {
  closePaymentSessions,
  emptySessionTally,
  type SessionClosingTally,
} from '../payments/close-payment-sessions.js';
import { claimLapsedPendingOrders, expireReservationsOfOrders, markOrdersExpired } from './expiry.queries.js';

export interface ExpiryBatchOptions {
  /** Orders claimed per transaction. */
  batchSize: number;
  /** Transactions per run at most (a run stops early once a batch comes back short). */
  maxBatches: number;
}

export interface ExpirePendingOrdersResult {
  batches: number;
  expiredOrders: number;
  releasedUnits: number;
  sessions: SessionClosingTally;
}

/**
 * B19 cleanupExpiredPendingOrders with F6 and F15. Each batch is ONE transaction: claim lapsed pending
 * orders (skipping rows others hold), release their active reservations as `expired`, mark them `expired`.
 * A process killed mid-run loses at most its open transaction, which rolls back whole; the next run picks
 * the same orders up. Only after the commit are the batch's payment sessions closed at the provider.
 */
export async function expirePendingOrders(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'payments'>,
  opts: ExpiryBatchOptions,
): Promise<ExpirePendingOrdersResult> {
  const result: ExpirePendingOrdersResult = {
    batches: 0,
    expiredOrders: 0,
    releasedUnits: 0,
    sessions: emptySessionTally(),
  };
  while (result.batches < opts.maxBatches) {
    const now = deps.clock.now();
    const batch = await deps.db.transaction(async (tx) => {
      const claimed = await claimLapsedPendingOrders(tx, now, opts.batchSize);
      const ids = claimed.map((o) => o.id);
      const releasedUnits = await expireReservationsOfOrders(tx, ids);
      const expired = await markOrdersExpired(tx, ids, now);
      return { claimed, releasedUnits, expired };
    });
    result.batches += 1;
    result.expiredOrders += batch.expired;
    result.releasedUnits += batch.releasedUnits;
    await closePaymentSessions(
      deps,
      batch.claimed.map((o) => o.stripeCheckoutSessionId),
      result.sessions,
    );
    if (batch.claimed.length < opts.batchSize) break;
  }
  if (result.sessions.failed) {
    deps.logger.warn({ failed: result.sessions.failed }, 'some payment sessions could not be expired');
  }
  return result;
}
