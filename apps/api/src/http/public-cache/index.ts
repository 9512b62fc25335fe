import type { Express } from 'express';
import pg from 'pg';
import type { Deps } from '@popbox/domain';
import { PublicReadCache, type PublicReadCacheSettings } from './public-read-cache.js';
import { PublicReadListener, type PublicReadListenerOptions } from './public-read-listener.js';

export { privateByDefault, publicReadLayer, CACHE_CONTROL } from './http-caching.js';
export { PublicReadCatalog } from './public-reads.js';
export { PublicReadCache } from './public-read-cache.js';

export interface PublicReadCacheOptions extends Partial<PublicReadCacheSettings> {
  /** The LISTEN connection; default: a new client with the settings of the app's pool. */
  connect?: () => pg.Client;
  reconnect?: PublicReadListenerOptions['reconnect'];
  recheckEveryMs?: PublicReadListenerOptions['recheckEveryMs'];
}

const APPLICATION_NAME = 'popbox-public-read';

/** The process's public read cache, its LISTEN connection opening now (stop it with stopPublicReadCache). */
export function createPublicReadCache(
  deps: Pick<Deps, 'db' | 'logger' | 'clock'>,
  opts: PublicReadCacheOptions = {},
): PublicReadCache {
  const { connect, reconnect, recheckEveryMs, ...settings } = opts;
  // drizzle's node-postgres handle keeps its pool as `$client`: the LISTEN client copies its settings.
  const pool = (deps.db as unknown as { $client: pg.Pool }).$client;
  const listener = new PublicReadListener({
    clock: deps.clock,
    logger: deps.logger,
    connect:
      connect ??
      (() =>
        new pg.Client({
          ...(pool.options as pg.ClientConfig),
          application_name: APPLICATION_NAME,
          keepAlive: true,
          connectionTimeoutMillis: 5_000,
        })),
    ...(reconnect ? { reconnect } : {}),
    ...(recheckEveryMs ? { recheckEveryMs } : {}),
  });
  listener.start();
  return new PublicReadCache(listener, deps.clock, settings);
}

/** A LISTEN client over its own (direct, session) connection: a transaction pooler cannot hold a LISTEN. */
export function publicReadListenClient(databaseUrl: string): () => pg.Client {
  return () =>
    new pg.Client({
      connectionString: databaseUrl,
      application_name: APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
}

const CACHE_KEY = 'publicReadCache';

export function attachPublicReadCache(app: Express, cache: PublicReadCache | undefined): void {
  app.locals[CACHE_KEY] = cache;
}

export function publicReadCacheOf(app: Express): PublicReadCache | undefined {
  return app.locals[CACHE_KEY] as PublicReadCache | undefined;
}

/** Closes the LISTEN connection (call it when the server stops). */
export async function stopPublicReadCache(app: Express): Promise<void> {
  await publicReadCacheOf(app)?.close();
}
