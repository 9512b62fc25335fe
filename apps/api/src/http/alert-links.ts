import { Router, type Request, type Response } from 'express';
import { confirmAlertSubscription, html, layout, unsubscribeAlert, type Deps } from '@popbox/domain';
import { sendError } from './send-error.js';
import { toApiError } from './error-mapping.js';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

type Action = 'confirm' | 'unsubscribe';

const PAGES: Record<Action, { title: string; button: string; done: string }> = {
  confirm: {
    title: 'Confirm your alert',
    button: 'Confirm alert',
    done: 'Your alert is confirmed. We will email you when it happens.',
  },
  unsubscribe: {
    title: 'Unsubscribe',
    button: 'Unsubscribe',
    done: 'You are unsubscribed from this alert. No more emails about it.',
  },
};

/**
 * Issue 13 email links. `GET` only shows a page with one button (mail scanners that prefetch links change
 * nothing); `POST` acts. `POST /alerts/unsubscribe?token=…` is also the RFC 8058 one-click target of the
 * List-Unsubscribe header (mail clients post `List-Unsubscribe=One-Click` as a form; the body is ignored).
 * Answers are HTML for browsers, JSON when the client asks for it. Plain routes because they answer HTML
 * and forms; API clients use POST /alerts/confirmations and /alerts/unsubscriptions (JSON) instead.
 */
export function alertLinksRouter(deps: Deps): Router {
  const r = Router();
  for (const action of ['confirm', 'unsubscribe'] as const) {
    const path = `/api/v1/alerts/${action}`;
    r.get(path, (req, res) => {
      const token = tokenOf(req);
      if (!token) return void badToken(req, res);
      res.setHeader('Cache-Control', 'no-store');
      if (wantsJson(req)) return void res.json({ action, method: 'POST', url: req.originalUrl });
      const page = PAGES[action];
      res.type('html').send(
        layout(
          page.title,
          html`<h1>${page.title}</h1>
            <form method="post" action="${`${path}?token=${encodeURIComponent(token)}`}">
              <button type="submit">${page.button}</button>
            </form>`,
        ),
      );
    });
    r.post(path, async (req, res, next) => {
      try {
        const token = tokenOf(req);
        if (!token) return void badToken(req, res);
        const result =
          action === 'confirm'
            ? await confirmAlertSubscription(deps, { token })
            : await unsubscribeAlert(deps, { token });
        res.setHeader('Cache-Control', 'no-store');
        if (wantsJson(req)) return void res.json(result);
        const page = PAGES[action];
        res.type('html').send(
          layout(
            page.title,
            html`<h1>${page.title}</h1>
              <p>${page.done}</p>`,
          ),
        );
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError.status >= 500) return void next(error);
        sendError(req, res, apiError);
      }
    });
  }
  return r;
}

function tokenOf(req: Request): string | null {
  const token = req.query.token;
  return typeof token === 'string' && token.trim() && token.length <= 2000 ? token.trim() : null;
}

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

function badToken(req: Request, res: Response) {
  sendError(req, res, {
    code: 'VALIDATION_FAILED',
    status: 400,
    message: 'Invalid query: token: must be a non-empty string',
    details: { fields: { token: ['must be a non-empty string'] } },
  });
}

const linkOperation = (action: Action, method: 'get' | 'post') => ({
  operationId: `public-alerts-${action}Link${method === 'get' ? 'Page' : ''}`,
  tags: ['alerts'],
  summary:
    method === 'get'
      ? `Alert ${action} link: a page with one button (changes nothing)`
      : action === 'confirm'
        ? 'Alert confirm link: confirms the subscription (single use)'
        : 'Alert unsubscribe link and RFC 8058 one-click target: unsubscribes (idempotent)',
  // The signed token in the link is the authority, not a credential scheme.
  security: PUBLIC_SECURITY(),
  parameters: [{ name: 'token', in: 'query' as const, required: true, schema: { type: 'string' as const } }],
  responses: {
    200: {
      description: 'HTML page, or JSON when `Accept: application/json`',
      content: {
        'text/html': { schema: { type: 'string' as const } },
        'application/json': { schema: { type: 'object' as const } },
      },
    },
    ...errorResponses(
      [
        'VALIDATION_FAILED',
        ...(method === 'post' ? (['INVALID_SIGNATURE'] as const) : []),
        ...(action === 'confirm' && method === 'post' ? (['ALERT_LINK_USED'] as const) : []),
        'RATE_LIMITED',
        'INTERNAL',
      ],
      { 400: 'Missing, invalid or expired token' },
    ),
  },
});

export const alertLinkPaths: PlainPaths = {
  '/api/v1/alerts/confirm': { get: linkOperation('confirm', 'get'), post: linkOperation('confirm', 'post') },
  '/api/v1/alerts/unsubscribe': {
    get: linkOperation('unsubscribe', 'get'),
    post: linkOperation('unsubscribe', 'post'),
  },
};
