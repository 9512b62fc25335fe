import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, MemoryStore, type Options, type Store } from 'express-rate-limit';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { Db } from '@popbox/db';
import type { Logger } from '@popbox/domain';
import { PostgresRateLimitStore } from './rate-limit-store.js';

const MINUTE = 60_000;

/** Security rule 10: requests per window per client IP. */
export const RATE_LIMITS = {
  global: { limit: 300, windowMs: 5 * MINUTE },
  checkout: { limit: 60, windowMs: 10 * MINUTE },
  contact: { limit: 5, windowMs: 10 * MINUTE },
  webhook: { limit: 600, windowMs: MINUTE },
} as const;

export type ScopedLimit = Exclude<keyof typeof RATE_LIMITS, 'global'>;

/**
 * What each scoped limit covers: its REST operation and the tRPC procedure behind it (both surfaces share
 * one budget). A procedure entry ending in `.*` covers a whole router.
 */
export const RATE_LIMIT_SCOPES: Record<ScopedLimit, { rest: [string, string][]; procedures: string[] }> = {
  checkout: {
    rest: [['POST', '/api/v1/checkout/session']],
    procedures: ['public.checkout.createSession'],
  },
  contact: { rest: [['POST', '/api/v1/contact']], procedures: ['public.contact.*'] },
  webhook: { rest: [['POST', '/api/v1/webhooks/stripe']], procedures: [] },
};

/** Paths the global limit never counts: probes (F11) and the dev media folder (a page shows many images). */
const GLOBAL_EXEMPT = /^\/(health|ready)\/?$|^\/media\//;

const TRPC_PREFIX = '/api/trpc/';

export interface RateLimitSettings {
  /**
   * `postgres`: counters in `rate_limit_hits`, shared by every API replica (production).
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
}

export function createRateLimiters(
  settings: RateLimitSettings,
  deps: { db: Db; logger: Logger },
): RateLimiters {
  const store = (prefix: string): Store =>
    settings.store === 'postgres'
      ? new PostgresRateLimitStore(deps.db, prefix, (err) =>
          deps.logger.warn({ err }, 'rate limit sweep failed'),
        )
      : new MemoryStore();
  const make = (name: keyof typeof RATE_LIMITS, skip: (req: Request) => boolean) =>
    rateLimit({
      ...RATE_LIMITS[name],
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: store(`${name}:`),
      skip,
      handler: rateLimited,
      // A database hiccup must not take the shop down with it: count nothing and serve.
      passOnStoreError: true,
      logger: {
        error: (err, msg) => deps.logger.error({ err }, msg ?? 'rate limit store error'),
        warn: (err, msg) => deps.logger.warn({ err }, msg ?? 'rate limit warning'),
      },
    } satisfies Partial<Options>);

  return {
    global: make('global', (req) => GLOBAL_EXEMPT.test(req.path)),
    webhook: make('webhook', (req) => !inScope('webhook', req)),
    checkout: make('checkout', (req) => !inScope('checkout', req)),
    contact: make('contact', (req) => !inScope('contact', req)),
  };
}

/** Whether a request is one of a scoped limit's operations, on either surface (batched tRPC calls too). */
export function inScope(scope: ScopedLimit, req: Pick<Request, 'method' | 'path'>): boolean {
  const { rest, procedures } = RATE_LIMIT_SCOPES[scope];
  const method = req.method.toUpperCase();
  const path = req.path.replace(/\/+$/, '').toLowerCase();
  if (rest.some(([m, p]) => m === method && p === path)) return true;
  if (method !== 'POST' || !path.startsWith(TRPC_PREFIX) || !procedures.length) return false;
  return trpcProcedures(req.path).some((name) =>
    procedures.some((p) => (p.endsWith('.*') ? name.startsWith(p.slice(0, -1)) : name === p)),
  );
}

/** `/api/trpc/a.b,c.d` → `['a.b', 'c.d']` (tRPC batches name every call in the path). */
function trpcProcedures(path: string): string[] {
  const names = path.slice(TRPC_PREFIX.length);
  try {
    return decodeURIComponent(names).split(',');
  } catch {
    return names.split(','); // malformed escapes: tRPC will answer 404 for such a name anyway
  }
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
  if (!req.path.startsWith(TRPC_PREFIX)) {
    res.json({ ok: false, error: { code: 'RATE_LIMITED', status: 429, message: MESSAGE, requestId } });
    return;
  }
  const envelope = (path: string) => ({
    error: {
      message: MESSAGE,
      code: TRPC_ERROR_CODES_BY_KEY.TOO_MANY_REQUESTS,
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path, errorCode: 'RATE_LIMITED', requestId },
    },
  });
  const calls = trpcProcedures(req.path);
  res.json(req.query.batch ? calls.map(envelope) : envelope(calls[0] ?? ''));
}
