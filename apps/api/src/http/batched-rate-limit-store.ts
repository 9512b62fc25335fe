import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '@popbox/db';
import { clearRateLimit, hitRateLimits, sweepRateLimits, type RateLimitWindow } from '@popbox/domain';

/** How long hits wait in this process before they are added to the shared counters. */
export const FLUSH_EVERY_MS = 200;
/** Counters kept in memory at most (distinct clients in the window); beyond it, a flush runs at once. */
const MAX_KEYS = 50_000;
const SWEEP_EVERY_MS = 60_000;

interface Counter {
  /** The shared count (every replica) as of this process's last flush of the key. */
  shared: number;
  /** Hits sent in the flush that is running now (not in `shared` yet). */
  inFlight: number;
  /** Hits not sent yet. */
  pending: number;
  resetTime: Date;
}

/**
 * The global limit's store (issue 14): it counts in this process and adds the counts to `rate_limit_hits`
 * in ONE statement for all clients every FLUSH_EVERY_MS, learning each client's shared count back. So an
 * anonymous catalog read — answered from the public read cache without any query — costs no database write
 * either, while every replica still shares one budget per client. The price is a bounded overshoot: a replica
 * learns what the others counted at its next flush, so a client spreading requests over N replicas can pass
 * at most one flush interval's worth of requests per replica beyond its budget — negligible against 300
 * requests per 5 minutes. The scoped limits (checkout, contact, alerts,
 * webhook) guard operations with side effects and keep the exact per-request store.
 *
 * A database outage counts nothing more in the shared table but the local counts still limit (rather than
 * the per-request store's pass-through), and the hits of a failed flush are dropped, not retried twice.
 */
export class BatchedPostgresRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    /** Distinguishes limiters in the shared table, e.g. `global:`. */
    readonly prefix: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.incrementBy(key, 1);
  }

  /** Counts several hits at once (the other calls of a tRPC batch). */
  incrementBy(key: string, hits: number): Promise<ClientRateLimitInfo> {
    const counter = this.counter(key);
    counter.pending += hits;
    this.schedule();
    return Promise.resolve(info(counter));
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = this.counters.get(key);
    return Promise.resolve(counter && counter.resetTime.getTime() > Date.now() ? info(counter) : undefined);
  }

  decrement(key: string): Promise<void> {
    const counter = this.counters.get(key);
    if (counter) {
      if (counter.pending > 0) counter.pending--;
      else counter.shared = Math.max(counter.shared - 1, 0);
    }
    return Promise.resolve();
  }

  async resetKey(key: string): Promise<void> {
    this.counters.delete(key);
    await clearRateLimit(this.db, this.prefix + key);
  }

  /** Sends what is pending now (tests, shutdown); resolves when the shared counts are known. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const batch = [...this.counters].filter(([, c]) => c.pending > 0);
    if (batch.length === 0) return;
    for (const [, c] of batch) {
      c.inFlight = c.pending;
      c.pending = 0;
    }
    this.flushing = hitRateLimits(
      this.db,
      batch.map(([key, c]) => ({ key: this.prefix + key, hits: c.inFlight })),
      this.windowMs,
    )
      .then((windows) => {
        for (const [key, c] of batch) {
          const window: RateLimitWindow | undefined = windows.get(this.prefix + key);
          if (window) {
            c.shared = window.hits;
            c.resetTime = window.resetAt;
          }
        }
      })
      .catch(this.onError)
      .finally(() => {
        for (const [, c] of batch) c.inFlight = 0;
        this.flushing = undefined;
        this.prune();
        this.maybeSweep();
      });
    await this.flushing;
  }

  /** Stops the timer (the app is closing); pending hits are flushed first. */
  async close(): Promise<void> {
    await this.flush();
  }

  private counter(key: string): Counter {
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter || counter.resetTime.getTime() <= now) {
      counter = { shared: 0, inFlight: 0, pending: 0, resetTime: new Date(now + this.windowMs) };
      this.counters.set(key, counter);
    }
    return counter;
  }

  private schedule(): void {
    if (this.counters.size > MAX_KEYS) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Forgets clients whose window ended with nothing left to send (the map stays the size of the window). */
  private prune(): void {
    const now = Date.now();
    for (const [key, c] of this.counters) {
      if (c.resetTime.getTime() <= now && c.pending === 0 && c.inFlight === 0) this.counters.delete(key);
    }
  }

  private maybeSweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    sweepRateLimits(this.db).catch(this.onError);
  }
}

const info = (c: Counter): ClientRateLimitInfo => ({
  totalHits: c.shared + c.inFlight + c.pending,
  resetTime: c.resetTime,
});
