import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { pinoHttp, type Options as PinoHttpOptions } from 'pino-http';
import { requestIdFor } from './http/request-id.js';
import {
  REDACTED,
  SECRET_FIELDS,
  SECRET_HEADERS,
  redactQueryValues,
  redactSerializedError,
} from './observability/redact.js';

/**
 * Paths redacted in every log line (B22): credential headers wherever a headers object is logged, and
 * secret-named fields at the top level and one level down. Request URLs are rewritten by the request
 * serializer (secret query values replaced); request headers are not logged at all.
 */
const REDACTED_HEADERS = [...SECRET_HEADERS, 'referer', 'referrer'];
export const REDACT_PATHS = [
  ...REDACTED_HEADERS.flatMap((h) => [
    `headers["${h}"]`,
    `req.headers["${h}"]`,
    `res.headers["${h}"]`,
    `*.headers["${h}"]`,
  ]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
];

/** Errors are logged with their stack, minus what they may carry of a request's data (a query's params). */
const errSerializer = (err: Error) => redactSerializedError(pino.stdSerializers.err(err));

const requestIds = new AsyncLocalStorage<string>();

/** The id of the request being served, if any (also for code that logs through the root logger). */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

export function createLogger(
  opts: { level: string; pretty: boolean },
  destination?: DestinationStream,
): PinoLogger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: errSerializer },
    // Every line logged while serving a request carries its id, whichever logger wrote it.
    mixin: (_obj, _level, logger) => {
      const reqId = requestIds.getStore();
      return reqId && !('reqId' in logger.bindings()) ? { reqId } : {};
    },
    ...(opts.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname,reqId,req,res,responseTime',
              messageFormat: '{if reqId}[{reqId}] {end}{msg}',
              singleLine: true,
            },
          },
        }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

type Req = IncomingMessage & { originalUrl?: string; id?: unknown };

function loggedUrl(req: Req): string {
  return redactQueryValues(req.originalUrl ?? req.url ?? '');
}

const isProbe = (req: Req) => /^\/(health|ready)\/?(\?|$)/.test(req.url ?? '');

/**
 * Request logging (B0 step 1): assigns the request id, then writes one concise line per request
 * (`GET /api/v1/products 200 12ms` + method, url, status, time, id; no headers). Successful health probes
 * are not logged. Handlers log through `req.log`, which carries the id.
 */
export function requestLogger(logger: PinoLogger): RequestHandler {
  const options: PinoHttpOptions = {
    logger,
    genReqId: (req, res) => requestIdFor(req, res),
    quietReqLogger: true,
    quietResLogger: true,
    serializers: {
      req: (req: { method?: string; raw: Req }) => ({ method: req.method, url: loggedUrl(req.raw) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: errSerializer,
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return isProbe(req) ? 'silent' : 'info';
    },
    customSuccessObject: (req, res, val: { responseTime: number }) => ({
      req,
      res,
      responseTime: val.responseTime,
    }),
    // The failure itself is logged once, with its stack, by the error handler; this line stays concise.
    customErrorObject: (req, res, _err, val: { responseTime: number }) => ({
      req,
      res,
      responseTime: val.responseTime,
    }),
    customSuccessMessage: (req, res, ms) => line(req, res, ms),
    customErrorMessage: (req, res) => line(req, res),
  };
  const http = pinoHttp(options);
  return (req, res, next) => http(req, res, () => requestIds.run(String(req.id), next));
}

function line(req: Req, res: ServerResponse, ms?: number): string {
  return `${req.method} ${loggedUrl(req)} ${res.statusCode}${ms === undefined ? '' : ` ${ms}ms`}`;
}

/**
 * Re-enters the request's log scope. Body parsers resume the chain from stream events, which lose the async
 * context; the pipeline calls this after them.
 */
export const requestLogScope: RequestHandler = (req, _res, next) => {
  if (req.id === undefined) return next();
  requestIds.run(String(req.id), next);
};
