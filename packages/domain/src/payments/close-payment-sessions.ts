import type { PaymentsPort } from '../ports/payments.js';
import type { Logger } from '../shared/ports.js';

export interface SessionClosingTally {
  expired: number;
  notOpen: number;
  notFound: number;
  failed: number;
}

export const emptySessionTally = (): SessionClosingTally => ({
  expired: 0,
  notOpen: 0,
  notFound: 0,
  failed: 0,
});

/** Provider calls in flight at once: a batch of 100 closes in a few seconds without a burst at Stripe. */
const PARALLEL_CALLS = 4;

type SessionPort = Pick<PaymentsPort, 'expireCheckoutSession' | 'retrieveCheckoutSession'>;

/** After a failed expire call (B19): a session that is no longer open needed no closing after all. */
async function isStillOpen(payments: SessionPort, sessionId: string): Promise<boolean> {
  try {
    return (await payments.retrieveCheckoutSession(sessionId)).status === 'open';
  } catch {
    return true; // unknown: count the failure
  }
}

/**
 * F6 for orders that already stopped being payable (committed before this runs: no network inside a
 * transaction). "Not found" and "no longer open" are answers; any other failure is re-checked once, then
 * counted and logged and not retried here: the session still lapses at its own `expires_at`, and a payment
 * that slips through meanwhile is a late payment (F5). Adds to `tally`.
 */
export async function closePaymentSessions(
  deps: { payments: SessionPort; logger: Logger },
  sessionIds: Array<string | null>,
  tally: SessionClosingTally,
): Promise<void> {
  const queue = sessionIds.filter((id): id is string => Boolean(id));
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const answer = await deps.payments.expireCheckoutSession(id);
        if (answer === 'expired') tally.expired += 1;
        else if (answer === 'not_open') tally.notOpen += 1;
        else tally.notFound += 1;
      } catch (err) {
        if (!(await isStillOpen(deps.payments, id))) {
          tally.notOpen += 1;
          continue;
        }
        tally.failed += 1;
        deps.logger.warn({ err, sessionId: id }, 'could not expire payment session');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CALLS, queue.length) }, worker));
}
