import type { Db } from '@popbox/db';
import type { Clock, Logger, Random } from './ports.js';
import type { ObjectStorage } from '../ports/storage.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { PaymentsPort } from '../ports/payments.js';
import type { EmailSender } from '../ports/email.js';
import type { RandomnessBeacon } from '../ports/beacon.js';
import type { ChallengePort } from '../ports/challenge.js';

/** Settings use cases need; the apps build this from their validated configuration. */
export interface DomainConfig {
  /** Storefront base URL (order links), no trailing slash. */
  clientBaseUrl: string;
  /** Public base URL of this API (simulator checkout pages, local media). */
  apiBaseUrl: string;
  orderTokenPepper: string;
  secureCookies: boolean;
  email: {
    from: string;
    orderNotificationTo: string;
    contactTo: string;
  };
  checkout: {
    successUrl: string;
    cancelUrl: string;
  };
  /**
   * Issue 13: per-IP and per-email limits on checkouts of capped products (shared `rate_limit_hits`
   * counters); false turns them off (RATE_LIMITS=off, tests). Absent: the defaults of caps.rules.ts.
   */
  purchaseCaps?: { rateLimits: CappedCheckoutRateLimits | false } | undefined;
}

export interface CappedCheckoutRateLimits {
  perIp: { limit: number; windowMs: number };
  perEmail: { limit: number; windowMs: number };
}

/** Everything a use case may touch, built once at boot (composition root) and passed in. */
export interface Deps {
  db: Db;
  clock: Clock;
  random: Random;
  logger: Logger;
  config: DomainConfig;
  storage: ObjectStorage;
  tokenVerifier: TokenVerifier;
  /** Wired by the checkout issue (Stripe adapter or local simulator). */
  payments: PaymentsPort;
  /** Used by the jobs app to deliver the outbox; the API only enqueues. */
  emailSender: EmailSender;
  /** Kuji dealing (issue 12): drand in production, the local beacon as the embedded default. */
  beacon: RandomnessBeacon;
  /** Issue 13: bot challenge for checkouts of capped products (Turnstile, or the embedded accept-all). */
  challenge: ChallengePort;
}
