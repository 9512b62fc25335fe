import {
  deliverOutboxBatch,
  type OutboxBatchResult,
  type OutboxDeliveryDeps,
  type OutboxDeliveryOptions,
} from './deliver-outbox-batch.js';

/**
 * The outbox job's run: delivery passes until a pass claims nothing (the backlog is drained) or `maxBatches`
 * passes ran, so one run catches up after an outage without holding its worker indefinitely. A short pass is
 * not the end: sending an order's message makes its next message claimable (one per order per pass), so a
 * paid order's confirmation and the refund written after it go out in one run, in that order.
 */
export async function deliverOutbox(
  deps: OutboxDeliveryDeps,
  opts: OutboxDeliveryOptions & { maxBatches: number },
): Promise<OutboxBatchResult & { batches: number }> {
  const total = { batches: 0, claimed: 0, sent: 0, retried: 0, failed: 0, released: 0 };
  while (total.batches < opts.maxBatches) {
    const pass = await deliverOutboxBatch(deps, opts);
    total.batches += 1;
    total.claimed += pass.claimed;
    total.sent += pass.sent;
    total.retried += pass.retried;
    total.failed += pass.failed;
    total.released += pass.released;
    if (pass.claimed === 0) break;
  }
  return total;
}
