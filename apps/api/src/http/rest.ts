import type { Request, RequestHandler, Response } from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import type { Deps } from '@popbox/domain';
import type { ErrorCode } from '@popbox/contracts/errors';
import type { AppRouter } from '../trpc/app-router.js';
import { contextFactory } from './trpc-context.js';
import { errorBody } from './send-error.js';
import type { Meta } from '../trpc/init.js';
import type { Context } from '../trpc/context.js';
import { keepEmptyListParams, listQueryParams } from './rest-list-params.js';
import type { ReadGate } from '../trpc/read-gate.js';
import { logUnhandledAdapterError } from '../trpc/unreported-errors.js';

interface FormattedShape {
  message?: string;
  data?: { errorCode?: ErrorCode; httpStatus?: number; requestId?: string; details?: unknown };
}

/**
 * The REST surface: trpc-to-openapi over the same procedures. Its error bodies are rewritten into our one
 * error shape (it always overwrites `code` with the tRPC key), and a procedure's `successStatus` meta sets
 * the success status (201 for creations).
 */
export function restHandler(router: AppRouter, deps: Deps, readGate?: ReadGate): RequestHandler {
  const procedures = router._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  const handler = createOpenApiNodeHttpHandler({
    router,
    createContext: contextFactory(deps, readGate),
    maxBodySize: 1024 * 1024,
    onError: logUnhandledAdapterError(deps.logger),
    responseMeta: ({ paths, errors, ctx }) => {
      if (errors.length) return {};
      // A use case may choose its success status (202 pending); otherwise the procedure's meta decides.
      const chosen = (ctx as Context | undefined)?.response.status;
      const status = chosen ?? (paths?.[0] ? procedures[paths[0]]?._def.meta?.successStatus : undefined);
      return status ? { status } : {};
    },
  } as Parameters<typeof createOpenApiNodeHttpHandler<AppRouter, Request, Response>>[0]);

  const listParams = listQueryParams(procedures as unknown as Parameters<typeof listQueryParams>[0]);
  return (req, res, next) => {
    allowEmptyBody(req);
    keepEmptyListParams(req, listParams);
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((chunk: unknown, ...rest: unknown[]) => {
      if (res.statusCode >= 400 && typeof chunk === 'string') chunk = JSON.stringify(rewrite(chunk, req));
      return end(chunk, ...rest);
    }) as Response['end'];
    handler(req, res, () => {
      res.end = end as Response['end'];
      next();
    }).catch(next);
  };
}

function rewrite(chunk: string, req: Request) {
  let shape: FormattedShape;
  try {
    shape = JSON.parse(chunk) as FormattedShape;
  } catch {
    return { error: { code: 'INTERNAL', status: 500, message: 'Internal server error' } };
  }
  const data = shape.data ?? {};
  return errorBody(
    {
      code: data.errorCode ?? 'INTERNAL',
      status: data.httpStatus ?? 500,
      message: shape.message ?? 'Error',
      ...(data.details !== undefined ? { details: data.details } : {}),
    },
    data.requestId ?? String(req.id),
  );
}

/**
 * trpc-to-openapi answers 415 to any POST/PUT/PATCH without a JSON content type, even when there is no body
 * (e.g. `POST …/tickets/reveal-all`). A request with no body at all is treated as an empty JSON object.
 */
function allowEmptyBody(req: Request): void {
  if (req.method === 'GET' || req.method === 'DELETE' || req.method === 'HEAD') return;
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody && !req.headers['content-type']) {
    req.headers['content-type'] = 'application/json';
    req.body = {};
  }
}
