import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { DomainError } from '@popbox/domain';
import type { Context } from './context.js';
import { toApiError, trpcKeyForStatus } from '../http/error-mapping.js';
import { resolveAdmin, resolveGuest } from './actors.js';
import { reportError } from '../observability/sentry.js';
import { markHandled } from './unreported-errors.js';
import { findHostileInput, hostileInputError } from '../http/hostile-input.js';
import { ReadGateFull } from './read-gate.js';

/** Procedure meta: the REST mapping plus the success status REST answers with (201 for creations). */
export type Meta = OpenApiMeta<{ successStatus?: 200 | 201 | 202 }>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Subscriptions (the live kuji board) over SSE: a ping keeps idle streams open through proxies.
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
    errorFormatter({ shape, error, ctx }) {
      const api = toApiError(error);
      return {
        message: api.message,
        code: shape.code,
        data: {
          code: trpcKeyForStatus(api.status),
          httpStatus: api.status,
          path: shape.data.path,
          errorCode: api.code,
          requestId: ctx?.requestId,
          details: api.details,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Turns domain errors into TRPCErrors with the matching HTTP status, so tRPC and REST answer with the
 * status of spec (e); the formatter then shapes the body. Unexpected errors are logged and reported here once.
 */
const errorBoundary = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const api = toApiError(result.error);
    // "Try again shortly" answers (F3 in-flight duplicates, busy orders, 503s) say when, on both surfaces.
    if (api.retryAfterSeconds !== undefined)
      ctx.response.setHeader('Retry-After', String(api.retryAfterSeconds));
    if (result.error.cause instanceof ReadGateFull) {
      ctx.log.warn({ path }, 'public read shed: read gate full');
    } else if (api.status >= 500) {
      markHandled(result.error, result.error.cause);
      ctx.log.error({ err: result.error.cause ?? result.error, path }, 'procedure failed');
      reportError(result.error.cause ?? result.error, { procedure: path });
    }
    if (result.error.code !== trpcKeyForStatus(api.status)) {
      throw new TRPCError({
        code: trpcKeyForStatus(api.status),
        message: api.message,
        cause: result.error.cause ?? result.error,
      });
    }
  }
  return result;
});

/**
 * Every procedure's raw input, on every surface (tRPC GET `input` and POST bodies, each call of a batch,
 * REST query + path + body), before authentication and schemas: a NUL byte, a prototype key or hostile
 * nesting is a 400 naming the field, never a database error (the Express guard catches the same in plain
 * routes and deep bodies before they are re-serialised).
 */
const inputSanitiser = t.middleware(async ({ getRawInput, next }) => {
  const found = findHostileInput(await getRawInput());
  if (found) {
    const api = hostileInputError(found);
    throw new DomainError(api.code, api.message, api.details);
  }
  return next();
});

const base = t.procedure.use(errorBoundary).use(inputSanitiser);

/**
 * Anonymous reads (queries) wait their turn at the read gate, so a flood of them cannot starve checkout, the
 * webhook, guests and admins of database connections. Mutations (checkout, contact) are not gated.
 */
export const publicProcedure = base.use(({ ctx, type, next }) =>
  type === 'query' && ctx.readGate ? ctx.readGate.run(() => next()) : next(),
);

/** Guest order session (cookie) — spec B10 with F8. */
export const orderProcedure = base.use(async ({ ctx, next }) => {
  const actor = await resolveGuest(ctx);
  return next({ ctx: { ...ctx, actor } });
});

/** Supabase-authenticated staff with role admin in `users` — spec B12. */
export const adminProcedure = base.use(async ({ ctx, next }) => {
  const actor = await resolveAdmin(ctx);
  return next({ ctx: { ...ctx, actor } });
});
