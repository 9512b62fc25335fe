import { PaymentProviderError } from '../ports/payments.js';
import { DomainError, isDomainError } from '../shared/errors.js';

/**
 * Provider failures as the client sees them (F10): an unknown session is a 404, everything else a 502.
 * Domain errors pass through unchanged.
 */
export function providerFailure(error: unknown): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof PaymentProviderError && error.kind === 'not_found') {
    return new DomainError('NOT_FOUND', 'Payment session not found', undefined, { cause: error });
  }
  return new DomainError('UPSTREAM_FAILED', 'Payment provider request failed', undefined, {
    cause: error,
    upstream: 'payments',
  });
}

/** F6: close payment sessions whose orders stopped being payable. Best effort, never awaited by a request. */
export function closeSessionsInBackground(
  deps: {
    payments: { expireCheckoutSession(id: string): Promise<unknown> };
    logger: { warn(o: object, m: string): void };
  },
  sessionIds: Array<string | null>,
): void {
  for (const id of sessionIds) {
    if (!id) continue;
    deps.payments
      .expireCheckoutSession(id)
      .catch((err: unknown) => deps.logger.warn({ err, sessionId: id }, 'could not expire payment session'));
  }
}
