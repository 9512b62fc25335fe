import { PaymentProviderError, type ExpireSessionResult, type PaymentsPort } from '../../ports/payments.js';

const ANSWERS: readonly ExpireSessionResult[] = ['expired', 'not_open', 'not_found'];

/**
 * The jobs process's payments port while the local simulator is the provider (no Stripe key, never in
 * production). Simulator sessions live in the API process's memory, so closing one (F6) is a call to the
 * API's `POST /dev/checkout/{id}/expire`, the simulator's counterpart of Stripe's expire endpoint. Nothing
 * else is reachable from here: the jobs app only closes sessions. If the API is down the call fails like a
 * Stripe outage would (counted, logged); the session still lapses at its own `expires_at`.
 */
export function simulatorSessionCloser(opts: { apiBaseUrl: string; timeoutMs?: number }): PaymentsPort {
  const base = opts.apiBaseUrl.replace(/\/+$/, '');
  const unavailable = () =>
    new PaymentProviderError('Only the API process serves the payment simulator', 'unavailable');
  return {
    kind: 'simulator',
    async expireCheckoutSession(sessionId) {
      let answer: unknown;
      try {
        const res = await fetch(`${base}/dev/checkout/${encodeURIComponent(sessionId)}/expire`, {
          method: 'POST',
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        answer = res.ok ? ((await res.json()) as { result?: unknown }).result : `HTTP ${res.status}`;
      } catch (error) {
        throw new PaymentProviderError('Simulator: expire checkout session failed', 'unavailable', {
          cause: error,
        });
      }
      const result = ANSWERS.find((a) => a === answer);
      if (!result) {
        throw new PaymentProviderError(`Simulator: unexpected answer ${String(answer)}`, 'unavailable');
      }
      return result;
    },
    createCheckoutSession: () => Promise.reject(unavailable()),
    retrieveCheckoutSession: () => Promise.reject(unavailable()),
    createRefund: () => Promise.reject(unavailable()),
    listRefunds: () => Promise.reject(unavailable()),
    verifyWebhook: () => Promise.reject(unavailable()),
  };
}
