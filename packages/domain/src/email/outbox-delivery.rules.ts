import type { EmailKind } from '@popbox/db';

export interface BackoffPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Upper bound of any single delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60 * 1000 };

/**
 * Exponential backoff with ±20 % jitter: base · 2^(attempt−1), capped. `unit` is a random number in [0, 1)
 * (injected, so tests are exact); jitter keeps many messages that failed together from retrying in lockstep.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, unit: number): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(exponential, policy.maxMs);
  return Math.round(capped * (0.8 + 0.4 * unit));
}

/** The order columns that mirror the delivery of a "send once" email (B18); other kinds have none. */
export type OrderEmailMarker = 'confirmation' | 'notification';

export function orderMarkerFor(kind: EmailKind): OrderEmailMarker | null {
  if (kind === 'order_confirmation') return 'confirmation';
  if (kind === 'shop_notification') return 'notification';
  return null;
}

/** Provider error texts end up in admin lists; keep them short. */
export function truncateError(message: string, max = 1000): string {
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}
