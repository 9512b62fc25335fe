import type { RequestHandler } from 'express';
import { sendError } from './send-error.js';

/** A `.` or `..` segment, plain or percent-encoded (`%2e`): WHATWG URL parsing resolves all of them. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;
/** `scheme://authority` of an absolute-form request target (`POST http://host/path HTTP/1.1`). */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * Whether a request target's path is already in the form every adapter dispatches on. The adapters do not
 * agree on normalisation (tRPC and trpc-to-openapi resolve dot segments and backslashes through WHATWG
 * `new URL`, Express's router and the rate limiters match the raw path), so a path they could read
 * differently is refused rather than normalised: dot segments (also `%2e`), backslashes, empty segments,
 * control characters. Browsers and HTTP clients never send these.
 */
export function isCanonicalPath(target: string): boolean {
  const path = target.replace(ABSOLUTE_FORM, '').split('?', 1)[0] ?? '';
  return (
    path.startsWith('/') &&
    !DOT_SEGMENT.test(path) &&
    !path.includes('\\') &&
    !path.includes('//') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u0020\u007f]/.test(path)
  );
}

/**
 * Security rule 10 holds on the route that actually runs: a path that is not canonical is a 400 before the
 * rate limiters and the routers see it (issue 11 item 14: `/api/v1/./contact` ran the contact operation
 * under the global limit only).
 */
export const canonicalPathOnly: RequestHandler = (req, res, next) => {
  if (isCanonicalPath(req.originalUrl)) return next();
  sendError(req, res, {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'The request path is not in canonical form (no dot segments, backslashes or empty segments)',
  });
};
