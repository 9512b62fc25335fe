import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { Db } from '@popbox/db';
import type { Logger } from '@popbox/domain';
import { PostgresRateLimitStore } from './rate-limit-store.js';
import { BatchedPostgresRateLimitStore } from './batched-rate-limit-store.js';
import { trpcCalls, trpcErrorEnvelope } from './trpc-calls.js';

const MINUTE = 60_000;

/** Security rule 10: requests per window per client IP. */
export const RATE_LIMITS = {
  global: { limit: 300, windowMs: 5 * MINUTE },
  checkout: { limit: 60, windowMs: 10 * MINUTE },
  contact: { limit: 5, windowMs: 10 * MINUTE },
  /** Issue 13 alert subscriptions (each may send a confirmation email); per address: ALERT_EMAIL_LIMIT. */
  alerts: { limit: 10, windowMs: 10 * MINUTE },
  webhook: { limit: 600, windowMs: MINUTE },
} as const;

export type ScopedLimit = Exclude<keyof typeof RATE_LIMITS, 'global'>;

/**
 * What each scoped limit covers: its REST operation and the tRPC procedure behind it (both surfaces share
 * one budget). A procedure entry ending in `.*` covers a whole router.
 */
export const RATE_LIMIT_SCOPES: Record<
  ScopedLimit,
  { rest: [string, string | RegExp][]; procedures: string[] }
> = {
  checkout: {
    rest: [['POST', '/api/v1/checkout/session']],
    procedures: ['public.checkout.createSession'],
  },
  contact: { rest: [['POST', '/api/v1/contact']], procedures: ['public.contact.*'] },
  alerts: {
    rest: [['POST', /^\/api\/v1\/(products|tags)\/[^/]+\/alerts$/]],
    procedures: ['public.alerts.subscribe', 'public.alerts.subscribeTag'],
  },
  webhook: { rest: [['POST', '/api/v1/webhooks/stripe']], procedures: [] },
};

/** Paths the global limit never counts: probes (F11) and the dev media folder (a page shows many images). */
const GLOBAL_EXEMPT = /^\/(health|ready)\/?$|^\/media\//;

export interface RateLimitSettings {
  /**
   * `postgres`: counters in `rate_limit_hits`, shared by every API replica (production). The global limit
   * counts in the process and flushes to the table every 200 ms (one statement for all clients, issue 14);
   * the scoped limits count each request in the table.
   * `memory`: counters in this process (one process only; tests of the pipeline).
   */
  store: 'postgres' | 'memory';
}

export interface RateLimiters {
  /** Before the raw-body routes. */
  webhook: RequestHandler;
  /** After the raw-body routes, before the body parsers. */
  global: RequestHandler;
  checkout: RequestHandler;
  contact: RequestHandler;
  alerts: RequestHandler;
}

export function createRateLimiters(
  settings: RateLimitSettings,
  deps: { db: Db; logger: Logger },
): RateLimiters {
  const store = (prefix: string): Store => {
    if (settings.store === 'memory') return new MemoryStore();
    if (prefix === 'global:') {
      return new BatchedPostgresRateLimitStore(deps.db, prefix, (err) =>
        deps.logger.warn({ err }, 'rate limit flush failed'),
      );
    }
    return new PostgresRateLimitStore(deps.db, prefix, (err) =>
      deps.logger.warn({ err }, 'rate limit sweep failed'),
    );
  };
  const make = (name: keyof typeof RATE_LIMITS, weight: (req: Request) => number): RequestHandler => {
    const counter = store(`${name}:`);
    const limiter = rateLimit({
      ...RATE_LIMITS[name],
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: counter,
      keyGenerator: clientKey,
      skip: (req) => weight(req) === 0,
      handler: rateLimited,
      // A database hiccup must not take the shop down with it: count nothing and serve.
      passOnStoreError: true,
      logger: {
        error: (err, msg) => deps.logger.error({ err }, msg ?? 'rate limit store error'),
        warn: (err, msg) => deps.logger.warn({ err }, msg ?? 'rate limit warning'),
      },
    } satisfies Partial<Options>);
    return countEveryCall(limiter, counter, weight, deps.logger);
  };

  return {
    global: make('global', (req) => (GLOBAL_EXEMPT.test(req.path) ? 0 : (trpcCalls(req)?.length ?? 1))),
    webhook: make('webhook', (req) => callsInScope('webhook', req)),
    checkout: make('checkout', (req) => callsInScope('checkout', req)),
    contact: make('contact', (req) => callsInScope('contact', req)),
    alerts: make('alerts', (req) => callsInScope('alerts', req)),
  };
}

/** The client a hit is counted against (express-rate-limit's own default: the IP, IPv6 by /56 subnet). */
const clientKey = (req: Request): string => ipKeyGenerator(req.ip ?? '');

/**
 * express-rate-limit counts one hit per request; a tRPC batch runs one procedure per call, so each call must
 * count (issue 11 item 2). The calls beyond the first are added to the same counter first, then the limiter
 * counts the last one and decides as usual: a batch that does not fit in what is left is refused whole.
 */
function countEveryCall(
  limiter: RequestHandler,
  counter: Store,
  weight: (req: Request) => number,
  log: Logger,
): RequestHandler {
  return (req, res, next) => {
    const extra = weight(req) - 1;
    if (extra <= 0) return void limiter(req, res, next);
    addHits(counter, clientKey(req), extra).then(
      () => limiter(req, res, next),
      (err: unknown) => {
        log.error({ err }, 'rate limit store error'); // as passOnStoreError: the limiter still counts one
        limiter(req, res, next);
      },
    );
  };
}

async function addHits(counter: Store, key: string, hits: number): Promise<void> {
  if (counter instanceof PostgresRateLimitStore || counter instanceof BatchedPostgresRateLimitStore) {
    return void (await counter.incrementBy(key, hits));
  }
  for (let i = 0; i < hits; i++) await counter.increment(key);
}

/** Whether a request is one of a scoped limit's operations, on either surface (batched tRPC calls too). */
export function inScope(scope: ScopedLimit, req: Pick<Request, 'method' | 'path'>): boolean {
  return callsInScope(scope, req) > 0;
}

/**
 * How many of a scoped limit's operations a request runs: 1 for its REST operation, one per matching call
 * for tRPC (read as the tRPC adapter dispatches them, see trpcCalls), 0 otherwise.
 */
export function callsInScope(scope: ScopedLimit, req: Pick<Request, 'method' | 'path'>): number {
  const { rest, procedures } = RATE_LIMIT_SCOPES[scope];
  const method = req.method.toUpperCase();
  const path = req.path.replace(/\/+$/, '').toLowerCase();
  if (rest.some(([m, p]) => m === method && (typeof p === 'string' ? p === path : p.test(path)))) return 1;
  const calls = trpcCalls(req);
  if (method !== 'POST' || !calls || !procedures.length) return 0;
  return calls.filter((name) =>
    procedures.some((p) => (p.endsWith('.*') ? name.startsWith(p.slice(0, -1)) : name === p)),
  ).length;
}

const MESSAGE = 'Too many requests, please try again later';

/**
 * The 429 answer. REST and plain routes: `{ ok: false, error: { code, status, message, requestId } }`
 * (spec (c)10's `{ok:false, error}` carrying F1's fields). tRPC: the tRPC error envelope with our error data,
 * once per call of a batch, so tRPC clients get a TRPCClientError with `data.errorCode === 'RATE_LIMITED'`.
 */
function rateLimited(req: Request, res: Response): void {
  const requestId = req.id === undefined ? undefined : String(req.id);
  res.status(429);
  const calls = trpcCalls(req);
  if (!calls) {
    res.json({ ok: false, error: { code: 'RATE_LIMITED', status: 429, message: MESSAGE, requestId } });
    return;
  }
  const error = { code: 'RATE_LIMITED', status: 429, message: MESSAGE };
  const envelope = (path: string) => trpcErrorEnvelope(req, 'TOO_MANY_REQUESTS', error, path);
  res.json(req.query.batch ? calls.map(envelope) : envelope(calls[0] ?? ''));
}
