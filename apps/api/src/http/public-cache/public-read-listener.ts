import type pg from 'pg';
import { PUBLIC_READ_CHANNEL, readPublicReadState, type Clock, type Logger } from '@popbox/domain';

export interface PublicReadListenerOptions {
  /** A new dedicated session connection (never a pooled one, never a transaction pooler). */
  connect: () => pg.Client;
  clock: Clock;
  logger: Logger;
  /** Reconnection backoff: doubling from `initialMs` up to `maxMs`, with jitter. */
  reconnect?: { initialMs: number; maxMs: number };
  /**
   * How often the version is re-read even without a notification (default 5 s): the safety net for a
   * connection that LISTENs but never hears (DATABASE_DIRECT_URL pointing at a transaction pooler by mistake).
   */
  recheckEveryMs?: number;
}

/** What a cache entry is checked against. */
export interface PublicReadSnapshot {
  /** Changes seen by this process: an entry is valid only under the epoch it was computed in. */
  epoch: number;
  /**
   * Notifications are flowing and the version and next boundary were read since the last (re)connect and
   * the last change. When false, a lost notification is possible: entries live a second at most.
   */
  trusted: boolean;
  /** The next sale-window boundary (injected clock, ms); Infinity when none lies ahead or it is unknown. */
  boundaryMs: number;
}

/**
 * The public-read version as one API process knows it (issue 14). A dedicated connection LISTENs on
 * `public_read` (the catalog/content triggers notify it at commit, from any API or jobs process); every
 * notification moves the local epoch, which invalidates every cached public read at once. After LISTEN (and
 * after every change) the version and the next sale-window boundary are re-read on the same connection;
 * a reconnect that finds a version it never heard about moves the epoch too, so a notification lost while
 * the connection was down cannot keep a stale page. A sibling of the live kuji board's LISTEN connection
 * rather than a share of it: that one is opened only while someone follows a board.
 */
export class PublicReadListener {
  private epoch = 0;
  private listening = false;
  private boundaryMs: number | undefined;
  private lastVersion: number | undefined;
  /** Bumped by each notification: a state read that started before one must not be trusted. */
  private changes = 0;
  private client: pg.Client | undefined;
  private reading: Promise<void> | undefined;
  private rereadQueued = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(private readonly opts: PublicReadListenerOptions) {
    this.backoff = opts.reconnect ?? { initialMs: 100, maxMs: 5_000 };
  }

  start(): void {
    void this.connectListener();
    this.recheckTimer = setInterval(() => {
      if (this.client && this.listening) this.reread(this.client);
    }, this.opts.recheckEveryMs ?? 5_000);
    this.recheckTimer.unref();
  }

  /** The LISTEN connection is up and its first state read done (tests). */
  get isListening(): boolean {
    return this.listening;
  }

  snapshot(): PublicReadSnapshot {
    if (this.boundaryMs !== undefined && this.opts.clock.now().getTime() >= this.boundaryMs) {
      // A drop started or a sale ended with no write at all: find the next boundary.
      this.boundaryMs = undefined;
      if (this.client && this.listening) this.reread(this.client);
    }
    return {
      epoch: this.epoch,
      trusted: this.listening && this.boundaryMs !== undefined,
      boundaryMs: this.boundaryMs ?? Infinity,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.recheckTimer);
    this.listening = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connectListener(): Promise<void> {
    if (this.closed) return;
    const client = this.opts.connect();
    this.client = client;
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      client.removeAllListeners('notification');
      if (this.client === client) {
        this.client = undefined;
        this.listening = false;
        this.boundaryMs = undefined;
      }
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.opts.logger.warn({ err }, 'public read cache: LISTEN connection lost, reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel !== PUBLIC_READ_CHANNEL) return;
      this.epoch += 1;
      this.changes += 1;
      const version = Number(message.payload);
      if (Number.isFinite(version)) this.lastVersion = Math.max(this.lastVersion ?? 0, version);
      // The write may have moved a sale window: the boundary is unknown until re-read.
      this.boundaryMs = undefined;
      this.reread(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PUBLIC_READ_CHANNEL}`);
      await this.readState(client);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.attempt > 0) this.opts.logger.info('public read cache: LISTEN connection restored');
    this.attempt = 0;
    this.listening = true;
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connectListener();
    }, delay);
    this.retryTimer.unref();
  }

  /** Reads version + boundary; coalesces: one read runs, at most one more is queued behind it. */
  private reread(client: pg.Client): void {
    if (this.reading) {
      this.rereadQueued = true;
      return;
    }
    this.reading = this.readState(client)
      .catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'public read cache: state read failed');
      })
      .finally(() => {
        this.reading = undefined;
        if (this.rereadQueued && this.client === client && !this.closed) {
          this.rereadQueued = false;
          this.reread(client);
        }
      });
  }

  private async readState(client: pg.Client): Promise<void> {
    const changesBefore = this.changes;
    const state = await readPublicReadState(client, this.opts.clock.now());
    if (this.lastVersion !== undefined && state.version !== this.lastVersion) this.epoch += 1;
    this.lastVersion = state.version;
    if (this.changes === changesBefore && this.client === client) {
      this.boundaryMs = state.nextBoundaryAt ? state.nextBoundaryAt.getTime() : Infinity;
    }
  }
}
