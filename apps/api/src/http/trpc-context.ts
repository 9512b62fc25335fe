import type { Request, Response } from 'express';
import { parseCookie } from 'cookie';
import type { Deps } from '@popbox/domain';
import type { Context, ResponseControl } from '../trpc/context.js';
import type { ReadGate } from '../trpc/read-gate.js';
import type { LiveBoard } from '../live/live-board.js';

export function responseControl(res: Response): ResponseControl {
  return {
    setHeader: (name, value) => void res.setHeader(name, value),
    setCookie: (name, value, o) =>
      void res.cookie(name, value, {
        httpOnly: o.httpOnly,
        sameSite: o.sameSite,
        secure: o.secure,
        path: o.path,
        maxAge: o.maxAgeSeconds * 1000,
      }),
    clearCookie: (name, o) =>
      void res.clearCookie(name, {
        httpOnly: o.httpOnly,
        sameSite: o.sameSite,
        secure: o.secure,
        path: o.path,
      }),
  };
}

/** Builds the per-request context for both the tRPC and the REST adapter. */
export function contextFactory(deps: Deps, readGate?: ReadGate, live?: LiveBoard) {
  return ({ req, res }: { req: Request; res: Response }): Context => {
    const authorization = req.headers.authorization;
    return {
      deps,
      actor: { kind: 'anonymous' },
      requestId: String(req.id),
      log: req.log ?? deps.logger,
      credentials: {
        authorization: typeof authorization === 'string' ? authorization : undefined,
        cookies: Object.fromEntries(
          Object.entries(parseCookie(req.headers.cookie ?? '')).filter(
            (e): e is [string, string] => e[1] !== undefined,
          ),
        ),
        headers: req.headers,
        ip: req.ip,
      },
      response: responseControl(res),
      readGate,
      live,
    };
  };
}
