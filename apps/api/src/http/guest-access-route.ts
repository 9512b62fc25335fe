import { Router } from 'express';
import { bootstrapGuestAccess, type Deps } from '@popbox/domain';
import { clearGuestCookie, GUEST_COOKIE, setGuestCookie } from './guest-cookie.js';
import { responseControl } from './trpc-context.js';
import { sendError } from './send-error.js';
import { toApiError } from './error-mapping.js';
import type { PlainPaths } from './openapi.js';
import { errorContent, errorResponses } from './openapi/responses.js';
import { GUEST_SECURITY } from './openapi/security.js';

/**
 * `GET /api/v1/orders/{publicId}/access` (B10): swaps the emailed access token (query `token` or header
 * `x-order-token`) or an existing session cookie for the session cookie, then 302 to the clean storefront URL.
 * A plain route because it answers with a redirect.
 */
export function guestAccessRouter(deps: Deps): Router {
  const r = Router();
  r.get('/api/v1/orders/:publicId/access', async (req, res, next) => {
    try {
      const query = req.query.token;
      if (query !== undefined && (typeof query !== 'string' || query.trim() === '')) {
        sendError(req, res, {
          code: 'VALIDATION_FAILED',
          status: 400,
          message: 'Invalid query: token: must be a non-empty string',
          details: { fields: { token: ['must be a non-empty string'] } },
        });
        return;
      }
      const header = req.headers['x-order-token'];
      const result = await bootstrapGuestAccess(deps, {
        publicId: req.params.publicId,
        presentedToken:
          typeof query === 'string' ? query : typeof header === 'string' && header ? header : undefined,
        sessionCookie: parseCookieValue(req.headers.cookie, GUEST_COOKIE),
      });
      const response = responseControl(res);
      if (!result.ok) {
        if (result.clearCookie) clearGuestCookie(response, deps);
        sendError(req, res, toApiError(result.error));
        return;
      }
      if (result.sessionToken) setGuestCookie(response, deps, result.sessionToken);
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, result.location);
    } catch (error) {
      next(error);
    }
  });
  return r;
}

function parseCookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const guestAccessPaths: PlainPaths = {
  '/api/v1/orders/{publicId}/access': {
    get: {
      operationId: 'order-access-exchangeToken',
      tags: ['orders'],
      summary:
        'Bootstrap guest order access: swap the emailed token (or an existing session) for the session cookie',
      description:
        'Accepts the access token from the `token` query parameter or the `x-order-token` header, or a session ' +
        'cookie already valid for this order. Sets the HttpOnly `guest_order_session` cookie and redirects to the ' +
        'storefront order page. Unknown orders answer 401 like invalid tokens.',
      // An existing session cookie works, or none at all: the emailed token is a parameter, not a credential scheme.
      security: [...GUEST_SECURITY(), {}],
      parameters: [
        { name: 'publicId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'token', in: 'query', required: false, schema: { type: 'string', minLength: 1 } },
        { name: 'x-order-token', in: 'header', required: false, schema: { type: 'string' } },
      ],
      responses: {
        302: {
          description: 'Redirect to `{CLIENT_BASE_URL}/orders/{publicId}`; sets the session cookie',
          headers: {
            Location: { description: 'The storefront order page', schema: { type: 'string' } },
            'Set-Cookie': {
              description: '`guest_order_session=…; HttpOnly; SameSite=Lax`',
              schema: { type: 'string' },
            },
          },
        },
        400: { description: 'Empty token parameter (`VALIDATION_FAILED`)', content: errorContent() },
        401: {
          description: 'No valid token or session for this order (`ORDER_ACCESS_DENIED`)',
          content: errorContent(),
        },
        ...errorResponses(['RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
};
