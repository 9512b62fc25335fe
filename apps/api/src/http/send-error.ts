import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { ApiErrorBody } from '@popbox/contracts/errors';
import type { Logger } from '@popbox/domain';
import { toApiError, type ApiError } from './error-mapping.js';

export function errorBody(api: ApiError, requestId: string | undefined): ApiErrorBody {
  return {
    error: {
      code: api.code,
      status: api.status,
      message: api.message,
      ...(requestId ? { requestId } : {}),
      ...(api.details !== undefined ? { details: api.details } : {}),
    },
  };
}

export function sendError(req: Request, res: Response, api: ApiError): void {
  if (res.headersSent) {
    // Too late for an error body: end the half-sent answer so the client is not left waiting on it.
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (api.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(api.retryAfterSeconds));
  res.status(api.status).json(errorBody(api, req.id === undefined ? undefined : String(req.id)));
}

/** Unknown routes answer a JSON 404 naming the path (spec (e)). */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(req, res, {
    code: 'ROUTE_NOT_FOUND',
    status: 404,
    message: `No route for ${req.method} ${req.path}`,
    details: { path: req.path },
  });
};

/** The central exception handler: everything becomes the one error shape; 5xx are logged, never leaked. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const api = toApiError(err);
    if (api.status >= 500) (req.log ?? log).error({ err, requestId: req.id }, 'request failed');
    sendError(req, res, api);
  };
}
