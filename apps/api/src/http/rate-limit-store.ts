import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '@popbox/db';
import {
  clearRateLimit,
  hitRateLimit,
  readRateLimit,
  sweepRateLimits,
  undoRateLimitHit,
  type RateLimitWindow,
} from '@popbox/domain';

/** How often, at most, one store deletes ended windows (one replica doing it is enough; more is harmless). */
const SWEEP_EVERY_MS = 60_000;

/**
 * express-rate-limit store over PostgreSQL (`rate_limit_hits`), so a limit holds across every API replica.
 * One atomic upsert per counted request; windows are timed by the database clock, so replicas agree.
 */
export class PostgresRateLimitStore implements Store {
  /** Counters are shared by every replica, not local to this process. */
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    /** Distinguishes limiters in the shared table, e.g. `checkout:`. */
    readonly prefix: string,
    private readonly onSweepError: (error: unknown) => void = () => undefined,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    this.maybeSweep();
    return info(await hitRateLimit(this.db, this.prefix + key, this.windowMs));
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await readRateLimit(this.db, this.prefix + key);
    return window && info(window);
  }

  /** Counts several hits at once (the other calls of a tRPC batch), in the same single upsert. */
  async incrementBy(key: string, hits: number): Promise<ClientRateLimitInfo> {
    this.maybeSweep();
    return info(await hitRateLimit(this.db, this.prefix + key, this.windowMs, hits));
  }

  decrement(key: string): Promise<void> {
    return undoRateLimitHit(this.db, this.prefix + key);
  }

  resetKey(key: string): Promise<void> {
    return clearRateLimit(this.db, this.prefix + key);
  }

  private maybeSweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    sweepRateLimits(this.db).catch(this.onSweepError);
  }
}

const info = (window: RateLimitWindow): ClientRateLimitInfo => ({
  totalHits: window.hits,
  resetTime: window.resetAt,
});
