import type { Request, RequestHandler } from 'express';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

export const TRPC_PREFIX = '/api/trpc/';

/**
 * The most calls one tRPC batch may carry. Each call is a procedure run (and its database work), so an
 * unbounded batch turns one request into hundreds; real clients batch a page's few queries.
 */
export const MAX_TRPC_BATCH = 10;

/**
 * The procedure paths a tRPC request calls, read the way tRPC's express adapter dispatches them: the LAST
 * segment of the path (`/api/trpc/x/public.contact.send` runs `public.contact.send`), percent-decoded, split
 * on commas. Splitting without `?batch=1` too errs on the side of counting more: such a name never resolves.
 * `undefined` when the request is not for the tRPC surface.
 */
export function trpcCalls(req: Pick<Request, 'path'>): string[] | undefined {
  if (!req.path.toLowerCase().startsWith(TRPC_PREFIX)) return undefined;
  const segment = req.path.slice(req.path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(segment).split(',');
  } catch {
    return segment.split(','); // malformed escapes: tRPC answers 400 for such a name anyway
  }
}

/** The tRPC error envelope with our error data (what tRPC clients read as `TRPCClientError.data`). */
export function trpcErrorEnvelope(
  req: Request,
  key: keyof typeof TRPC_ERROR_CODES_BY_KEY,
  error: { code: string; status: number; message: string; details?: unknown },
  path?: string,
) {
  return {
    error: {
      message: error.message,
      code: TRPC_ERROR_CODES_BY_KEY[key],
      data: {
        code: key,
        httpStatus: error.status,
        ...(path === undefined ? {} : { path }),
        errorCode: error.code,
        requestId: req.id === undefined ? undefined : String(req.id),
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    },
  };
}

/**
 * Refuses a tRPC batch of more than MAX_TRPC_BATCH calls with 400, before the rate limiters count it and
 * before anything runs. (tRPC's own `maxBatchSize` holds the same line inside the adapter as a backstop.)
 */
export const trpcBatchLimit: RequestHandler = (req, res, next) => {
  const calls = trpcCalls(req);
  if (!calls || calls.length <= MAX_TRPC_BATCH) return next();
  res.status(400).json(
    trpcErrorEnvelope(req, 'BAD_REQUEST', {
      code: 'BAD_REQUEST',
      status: 400,
      message: `A batch may carry at most ${MAX_TRPC_BATCH} calls (this one has ${calls.length})`,
      details: { maxBatchSize: MAX_TRPC_BATCH, calls: calls.length },
    }),
  );
};
