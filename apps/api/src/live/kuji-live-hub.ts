import type pg from 'pg';
import {
  DomainError,
  findKujiLiveBoard,
  getKujiLiveState,
  isDomainError,
  KUJI_BOARD_CHANNEL,
  type Clock,
  type KujiLiveState,
  type Logger,
} from '@popbox/domain';
import type { Db } from '@popbox/db';

/** One subscriber of a board: a REST event stream or a tRPC subscription. */
export interface KujiLiveSubscriber {
  /** A state of the board (`json` = `JSON.stringify(state)`, made once per read for every subscriber). */
  push(state: KujiLiveState, json: string): void;
  /** The board is no longer public (`gone`) or the hub is closing (`closed`): end the stream. */
  end(reason: 'gone' | 'closed'): void;
}

export interface KujiLiveHubOptions {
  db: Db;
  logger: Logger;
  /** The injected clock: a hidden drop's board cannot be followed before its start (issue 13). */
  clock: Clock;
  /** A new dedicated connection for LISTEN (never a pooled one: it is held for the process's life). */
  connect: () => pg.Client;
  /** Notifications of one board within this window lead to one read (default 50 ms). */
  debounceMs?: number;
  /** Reconnection backoff of the LISTEN connection: doubling from `initialMs` up to `maxMs`, with jitter. */
  reconnect?: { initialMs: number; maxMs: number };
}

interface Board {
  productId: string;
  subscribers: Set<KujiLiveSubscriber>;
  /** The last state read, kept fresh by notifications while the LISTEN connection is up. */
  state?: KujiLiveState;
  json?: string;
  debounce?: NodeJS.Timeout;
  /** The read in progress and the one queued behind it (reads of one board never overlap). */
  running?: Promise<void>;
  queued?: Promise<void>;
}

/**
 * The live-board hub of one API process (issue 12): a single dedicated connection LISTENs on `kuji_board`
 * (PostgreSQL `pg_notify` from every transaction that changes a board, so changes made by any API or jobs
 * process arrive here). A notification for a followed board is debounced, the board's state is read once
 * through the normal pool and fanned out to that board's subscribers, so subscribers never hold a database
 * connection. Started by the first subscriber; when the connection drops it reconnects with backoff and
 * re-reads every followed board, as notifications may have been missed meanwhile.
 */
export class KujiLiveHub {
  private readonly boards = new Map<string, Board>();
  private readonly debounceMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private client: pg.Client | undefined;
  private listening = false;
  private started: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;

  constructor(private readonly opts: KujiLiveHubOptions) {
    this.debounceMs = opts.debounceMs ?? 50;
    this.backoff = opts.reconnect ?? { initialMs: 100, maxMs: 5_000 };
  }

  /** Subscribers across all boards (for tests and metrics). */
  get subscriberCount(): number {
    let n = 0;
    for (const board of this.boards.values()) n += board.subscribers.size;
    return n;
  }

  /** The LISTEN connection is up. */
  get isListening(): boolean {
    return this.listening;
  }

  /**
   * Follows a public board by slug: the subscriber receives the current state before this resolves, then
   * every change. Throws NOT_FOUND (nothing attached) for a board that is not an active kuji product.
   * Returns the function that detaches the subscriber.
   */
  async subscribe(slug: string, subscriber: KujiLiveSubscriber): Promise<() => void> {
    if (this.closed)
      throw new DomainError('DEPENDENCY_UNAVAILABLE', 'Live board closed: the server is stopping');
    const { productId } = await findKujiLiveBoard(this.opts.db, { slug }, this.opts.clock.now());
    await this.start();
    let board = this.boards.get(productId);
    if (!board) {
      board = { productId, subscribers: new Set() };
      this.boards.set(productId, board);
    }
    const followed = board;
    followed.subscribers.add(subscriber);
    const unsubscribe = () => {
      followed.subscribers.delete(subscriber);
      if (followed.subscribers.size === 0 && this.boards.get(productId) === followed) {
        clearTimeout(followed.debounce);
        this.boards.delete(productId);
      }
    };
    try {
      // A fresh cached state is only trusted while notifications keep it fresh.
      if (followed.state && followed.json && this.listening && !followed.queued) {
        subscriber.push(followed.state, followed.json);
      } else {
        await this.refresh(followed);
      }
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Ends every subscription and the LISTEN connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const boards = [...this.boards.values()];
    this.boards.clear();
    for (const board of boards) {
      clearTimeout(board.debounce);
      for (const subscriber of board.subscribers) subscriber.end('closed');
    }
    this.listening = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private start(): Promise<void> {
    return (this.started ??= this.connectListener());
  }

  /** One connection attempt; on failure (or a later loss) the next one is scheduled. Never throws. */
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
      }
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.opts.logger.warn({ err }, 'live board: LISTEN connection lost, reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === KUJI_BOARD_CHANNEL && message.payload) this.changed(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${KUJI_BOARD_CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = this.attempt > 0;
    this.attempt = 0;
    this.listening = true;
    if (reconnected) this.opts.logger.info('live board: LISTEN connection restored');
    // Changes committed while nobody listened were not notified here: re-read every followed board.
    for (const board of this.boards.values()) this.refreshInBackground(board);
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

  private changed(productId: string): void {
    const board = this.boards.get(productId);
    if (!board || board.debounce) return;
    board.debounce = setTimeout(() => {
      board.debounce = undefined;
      this.refreshInBackground(board);
    }, this.debounceMs);
  }

  private refreshInBackground(board: Board): void {
    this.refresh(board).catch((err: unknown) => {
      if (this.boards.get(board.productId) !== board) return;
      if (isDomainError(err) && err.code === 'NOT_FOUND') {
        // Archived or no longer a kuji board: its public stream ends.
        this.boards.delete(board.productId);
        clearTimeout(board.debounce);
        for (const subscriber of board.subscribers) subscriber.end('gone');
        return;
      }
      this.opts.logger.warn({ err, productId: board.productId }, 'live board: state read failed, retrying');
      if (!board.debounce) {
        board.debounce = setTimeout(() => {
          board.debounce = undefined;
          this.refreshInBackground(board);
        }, 1_000);
      }
    });
  }

  /**
   * Reads the board once and sends the state to all its subscribers. Reads of a board run one after another;
   * callers arriving while one runs share the single read queued behind it.
   */
  private refresh(board: Board): Promise<void> {
    if (board.queued) return board.queued;
    const previous = board.running ?? Promise.resolve();
    const run: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        board.queued = undefined;
        board.running = run;
        const state = await getKujiLiveState(
          this.opts.db,
          { productId: board.productId },
          this.opts.clock.now(),
        );
        const json = JSON.stringify(state);
        board.state = state;
        board.json = json;
        for (const subscriber of [...board.subscribers]) subscriber.push(state, json);
      })
      .finally(() => {
        if (board.running === run) board.running = undefined;
      });
    board.queued = run;
    return run;
  }
}
