import type { Clock } from '@popbox/domain';
import { BoundedLru } from './lru.js';
import type { PublicReadListener } from './public-read-listener.js';

export interface PublicReadCacheSettings {
  maxEntries: number;
  maxBytes: number;
  /** Reads showing stock, kuji counts or trending ("availability never more than about a second stale"). */
  volatileTtlMs: number;
  /** Reads every change of which bumps the version (collections, tags, content). */
  stableTtlMs: number;
  /** Any entry while notifications may be missed (LISTEN down, state not yet re-read). */
  untrustedTtlMs: number;
}

export const PUBLIC_READ_CACHE_DEFAULTS: PublicReadCacheSettings = {
  maxEntries: 1_000,
  maxBytes: 16 * 1024 * 1024,
  volatileTtlMs: 1_000,
  stableTtlMs: 60_000,
  untrustedTtlMs: 1_000,
};

/** A complete 200 answer, as sent. */
export interface CapturedRead {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface CachedRead extends CapturedRead {
  bytes: number;
  epoch: number;
  /** performance.now() when its computation began (its age counts from there). */
  startedAt: number;
  ttlMs: number;
  /** The sale-window boundary known when it was computed (injected clock, ms): it dies there. */
  boundaryMs: number;
}

/** One miss being computed: `finish` with the answer (or nothing when it is not cacheable). */
export interface MissTicket {
  finish(read: CapturedRead | undefined): void;
}

/**
 * The shared cache of anonymous public reads of one API process (issue 14): bounded (LRU by entries and
 * bytes), each entry tagged with the epoch known BEFORE it was computed (a change notified meanwhile makes
 * it stillborn), its time to live and the sale-window boundary; concurrent misses of one key compute once.
 */
export class PublicReadCache {
  private readonly lru: BoundedLru<CachedRead>;
  private readonly pending = new Map<string, Promise<CachedRead | undefined>>();
  readonly settings: PublicReadCacheSettings;

  constructor(
    readonly listener: PublicReadListener,
    private readonly clock: Clock,
    settings: Partial<PublicReadCacheSettings> = {},
  ) {
    this.settings = { ...PUBLIC_READ_CACHE_DEFAULTS, ...settings };
    this.lru = new BoundedLru(this.settings.maxEntries, this.settings.maxBytes);
  }

  get entries(): number {
    return this.lru.size;
  }

  /** A valid entry, or undefined (an invalid one is dropped). */
  lookup(key: string): CachedRead | undefined {
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    const now = this.listener.snapshot();
    const ttl = now.trusted ? entry.ttlMs : Math.min(entry.ttlMs, this.settings.untrustedTtlMs);
    if (
      entry.epoch === now.epoch &&
      performance.now() - entry.startedAt < ttl &&
      this.clock.now().getTime() < entry.boundaryMs
    ) {
      return entry;
    }
    this.lru.delete(key);
    return undefined;
  }

  /** The computation of this key already running, if any (its answer, or undefined if it was not kept). */
  inflight(key: string): Promise<CachedRead | undefined> | undefined {
    return this.pending.get(key);
  }

  /** Starts computing a miss: later arrivals for the key wait for it (see `inflight`). */
  begin(key: string, volatile: boolean): MissTicket {
    const before = this.listener.snapshot();
    const startedAt = performance.now();
    let settle!: (entry: CachedRead | undefined) => void;
    const promise = new Promise<CachedRead | undefined>((resolve) => (settle = resolve));
    this.pending.set(key, promise);
    let done = false;
    return {
      finish: (read) => {
        if (done) return;
        done = true;
        if (this.pending.get(key) === promise) this.pending.delete(key);
        // A change notified while computing: this answer may predate it.
        if (!read || this.listener.snapshot().epoch !== before.epoch) return settle(undefined);
        const ttl = volatile ? this.settings.volatileTtlMs : this.settings.stableTtlMs;
        const entry: CachedRead = {
          ...read,
          bytes: read.body.length + key.length * 2 + 200,
          epoch: before.epoch,
          startedAt,
          ttlMs: before.trusted ? ttl : Math.min(ttl, this.settings.untrustedTtlMs),
          boundaryMs: before.boundaryMs,
        };
        this.lru.set(key, entry);
        settle(entry);
      },
    };
  }

  clear(): void {
    this.lru.clear();
  }

  close(): Promise<void> {
    this.clear();
    return this.listener.close();
  }
}
