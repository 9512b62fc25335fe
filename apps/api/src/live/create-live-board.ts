import type { Express } from 'express';
import pg from 'pg';
import type { Deps } from '@popbox/domain';
import { KujiLiveHub, type KujiLiveHubOptions } from './kuji-live-hub.js';
import { StreamLimits } from './stream-limits.js';
import { LIVE_BOARD_DEFAULTS, type LiveBoard, type LiveBoardSettings } from './live-board.js';

export interface LiveBoardOptions extends Partial<LiveBoardSettings> {
  /** Notification debounce per board (default 50 ms). */
  debounceMs?: number;
  reconnect?: KujiLiveHubOptions['reconnect'];
  /** The LISTEN connection; default: a new client with the settings of the app's pool. */
  connect?: () => pg.Client;
}

/** The process's live board: one hub (its LISTEN connection opened by the first subscriber) and its limits. */
export function createLiveBoard(
  deps: Pick<Deps, 'db' | 'logger' | 'clock'>,
  opts: LiveBoardOptions = {},
): LiveBoard {
  const settings: LiveBoardSettings = {
    heartbeatMs: opts.heartbeatMs ?? LIVE_BOARD_DEFAULTS.heartbeatMs,
    retryMs: opts.retryMs ?? LIVE_BOARD_DEFAULTS.retryMs,
    perClient: opts.perClient ?? LIVE_BOARD_DEFAULTS.perClient,
    total: opts.total ?? LIVE_BOARD_DEFAULTS.total,
  };
  // drizzle's node-postgres handle keeps its pool as `$client`: the LISTEN client copies its settings.
  const pool = (deps.db as unknown as { $client: pg.Pool }).$client;
  const connect =
    opts.connect ??
    (() =>
      new pg.Client({
        ...(pool.options as pg.ClientConfig),
        application_name: 'popbox-kuji-live',
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
      }));
  const hub = new KujiLiveHub({
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    connect,
    ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
    ...(opts.reconnect ? { reconnect: opts.reconnect } : {}),
  });
  return { hub, limits: new StreamLimits(settings.perClient, settings.total), settings };
}

/** A LISTEN client over its own (direct, session) connection: a transaction pooler cannot hold a LISTEN. */
export function listenClient(databaseUrl: string): () => pg.Client {
  return () =>
    new pg.Client({
      connectionString: databaseUrl,
      application_name: 'popbox-kuji-live',
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
}

const LIVE_KEY = 'kujiLiveBoard';

export function attachLiveBoard(app: Express, live: LiveBoard): void {
  app.locals[LIVE_KEY] = live;
}

export function liveBoardOf(app: Express): LiveBoard | undefined {
  return app.locals[LIVE_KEY] as LiveBoard | undefined;
}

/**
 * Ends every live stream and the LISTEN connection: call it when the server stops, before `server.close()`
 * (open event streams would otherwise keep it waiting).
 */
export async function stopLiveBoard(app: Express): Promise<void> {
  const live = liveBoardOf(app);
  if (!live) return;
  await live.hub.close();
  // Let the ended streams finish their answers, so closing the server finds their connections idle.
  const deadline = Date.now() + 1_000;
  while (live.limits.openStreams > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
