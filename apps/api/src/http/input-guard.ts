import type { RequestHandler } from 'express';
import { findHostileInput, hostileInputError } from './hostile-input.js';
import { sendError } from './send-error.js';
import { trpcCalls } from './trpc-calls.js';

/**
 * The request-level half of input sanitising, right after the body parsers and before any route or
 * authentication: a parsed body (and query) that is nested too deeply, carries a prototype key or a NUL
 * byte answers 400. tRPC requests are checked here for depth only — their adapter re-serialises the body,
 * which is where a deep body overflowed the stack — and per call, with each call's own field paths and
 * tRPC's error shape, by the procedure middleware in trpc/init.ts.
 */
export const inputGuard: RequestHandler = (req, res, next) => {
  const trpc = trpcCalls(req) !== undefined; // the tRPC mount, matched case-insensitively as Express does
  const found = trpc
    ? findHostileInput(req.body as unknown, { depthOnly: true })
    : (findHostileInput(req.body as unknown) ?? findHostileInput(req.query as unknown));
  if (found) {
    sendError(req, res, hostileInputError(found));
    return;
  }
  next();
};
