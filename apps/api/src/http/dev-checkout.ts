import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  escapeHtml,
  PaymentProviderError,
  SIMULATED_ADDRESS,
  type SimulatedPayment,
  type SimulatedSession,
  type SimulatorPayments,
} from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { sendError } from './send-error.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

/**
 * Amounts with an unambiguous currency ("CA$12.34", "US$5.00"): the simulator stands in for Stripe's page, and a
 * bare "$" does not say which dollars a buyer pays. The `en` locale marks every dollar but its own with a prefix.
 */
export function formatSimulatorAmount(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  const formatted = new Intl.NumberFormat('en', { style: 'currency', currency: code }).format(cents / 100);
  return formatted.startsWith('$') ? `US${formatted}` : formatted;
}

function page(s: SimulatedSession): string {
  const { session } = s;
  const currency = (session.currency ?? 'cad').toUpperCase();
  const rows = s.lineItems
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.name)}</td><td class="n">× ${escapeHtml(l.quantity)}</td>` +
        `<td class="n">${escapeHtml(formatSimulatorAmount(l.unitAmountCents * l.quantity, currency))}</td></tr>`,
    )
    .join('');
  const open = session.status === 'open';
  const id = encodeURIComponent(session.id);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PopBox checkout simulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;color:#222}
table{width:100%;border-collapse:collapse}td{padding:4px 0;border-bottom:1px solid #eee}.n{text-align:right}
.note{background:#fff7d6;padding:8px 12px;border-radius:6px;font-size:14px}label{display:block;margin:8px 0}
input{width:100%;padding:6px}button{padding:10px 18px;margin:12px 8px 0 0;font-size:16px;cursor:pointer}</style></head>
<body>
<p class="note">Local payment simulator — no real money moves. Pay and Cancel send Stripe-shaped, signed events to this API's webhook.</p>
<h1>Order ${escapeHtml(session.metadata.orderPublicId ?? '')}</h1>
<table>${rows}
<tr><td>Shipping</td><td></td><td class="n">${escapeHtml(formatSimulatorAmount(s.shippingCents, currency))}</td></tr>
<tr><td><strong>Total</strong></td><td></td><td class="n"><strong>${escapeHtml(formatSimulatorAmount(session.amountTotal ?? 0, currency))}</strong></td></tr>
</table>
${
  open
    ? `<form method="post" action="/dev/checkout/${id}/pay">
<label>Email <input name="email" type="email" value="${escapeHtml(session.customerEmail ?? 'buyer@example.com')}"></label>
<label>Name <input name="name" value="${escapeHtml(s.customerName ?? 'Sim Buyer')}"></label>
<label>Test card <select name="card" id="card">
<option value="4242424242424242">4242 4242 4242 4242 (Visa)</option>
<option value="5555555555554444">5555 5555 5555 4444 (Mastercard)</option>
<option value="378282246310005">3782 822463 10005 (Amex)</option>
<option value="4000056655665556">4000 0566 5566 5556 (Visa debit)</option>
</select></label>
<label>Street (shipping) <input name="street" value="${escapeHtml(SIMULATED_ADDRESS.line1)}"></label>
<button type="submit" id="pay">Pay</button>
<button type="submit" id="pay-delayed" formaction="/dev/checkout/${id}/pay?async=1">Pay with a delayed method</button>
<button type="submit" id="cancel" formaction="/dev/checkout/${id}/cancel">Cancel</button>
</form>`
    : `<p>This checkout session is <strong>${escapeHtml(session.status)}</strong>.</p>`
}
</body></html>`;
}

function howToPay(value: unknown): SimulatedPayment {
  if (value === 'fail') return 'delayed_failure';
  if (value === '1' || value === 'true') return 'delayed_success';
  return 'card';
}

function fail(req: Request, res: Response, next: NextFunction, error: unknown): void {
  if (error instanceof PaymentProviderError && error.kind === 'not_found') {
    return sendError(req, res, { code: 'NOT_FOUND', status: 404, message: 'Checkout session not found' });
  }
  if (error instanceof PaymentProviderError && error.kind === 'invalid_request') {
    return sendError(req, res, { code: 'CONFLICT', status: 409, message: error.message });
  }
  next(error);
}

/**
 * The simulator's checkout page and its actions (mounted only while the simulator is the payments
 * adapter). The actions are plain endpoints scripts and tests call too; pay and cancel answer 303 to the
 * shop's success (with the session id) or cancel URL, after the webhook received the first event; expire
 * answers JSON like the payments port.
 */
export function devCheckoutRouter(simulator: SimulatorPayments): Router {
  const r = Router();
  r.get('/dev/checkout/:sessionId', (req, res) => {
    const s = simulator.getSession(req.params.sessionId);
    if (!s)
      return sendError(req, res, { code: 'NOT_FOUND', status: 404, message: 'Checkout session not found' });
    // The form posts here, then the browser follows a redirect to the shop: form-action must allow both.
    const targets = [origin(s.successUrl), origin(s.cancelUrl)].filter(Boolean).join(' ');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${targets}; base-uri 'none'; frame-ancestors 'none'`,
    );
    res.type('html').send(page(s));
  });
  r.post('/dev/checkout/:sessionId/pay', async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as { email?: unknown; name?: unknown; card?: unknown; street?: unknown };
      // Issue 13: the card (fingerprint) and street may also come as query parameters (scripts, tests).
      const card = typeof req.query.card === 'string' ? req.query.card : body.card;
      const street = typeof req.query.street === 'string' ? req.query.street : body.street;
      const location = await simulator.pay(req.params.sessionId, howToPay(req.query.async), {
        ...(typeof body.email === 'string' ? { email: body.email } : {}),
        ...(typeof body.name === 'string' ? { name: body.name } : {}),
        ...(typeof card === 'string' ? { card } : {}),
        ...(typeof street === 'string' ? { street } : {}),
      });
      res.redirect(303, location);
    } catch (error) {
      fail(req, res, next, error);
    }
  });
  r.post('/dev/checkout/:sessionId/cancel', async (req, res, next) => {
    try {
      res.redirect(303, await simulator.cancel(req.params.sessionId));
    } catch (error) {
      fail(req, res, next, error);
    }
  });
  // Stripe's "expire a session" for the simulator: how the jobs process closes sessions (F6) it cannot reach.
  r.post('/dev/checkout/:sessionId/expire', async (req, res, next) => {
    try {
      res.json({ result: await simulator.expireCheckoutSession(req.params.sessionId) });
    } catch (error) {
      fail(req, res, next, error);
    }
  });
  return r;
}

const sessionParam = { name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } } as const;
const redirect = {
  303: { description: 'Redirect to the shop (success URL with the session id, or cancel URL)' },
};
/** The simulator's sessions live in this process: an unknown id is a 404, a closed session a 409. */
const errors = errorResponses(['NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL'], {
  404: 'Unknown session',
  409: 'Session no longer open',
});

export const devCheckoutPaths: PlainPaths = {
  '/dev/checkout/{sessionId}': {
    get: {
      operationId: 'dev-checkout-page',
      tags: ['dev', 'checkout'],
      security: PUBLIC_SECURITY(),
      summary: 'Local payment simulator: the checkout page (only when no Stripe key is configured)',
      parameters: [sessionParam],
      responses: {
        200: {
          description: 'HTML page with Pay and Cancel',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        ...errorResponses(['NOT_FOUND', 'RATE_LIMITED'], { 404: 'Unknown session' }),
      },
    },
  },
  '/dev/checkout/{sessionId}/pay': {
    post: {
      operationId: 'dev-checkout-pay',
      tags: ['dev', 'checkout'],
      security: PUBLIC_SECURITY(),
      summary: 'Local payment simulator: pay (async=1 delayed success, async=fail delayed failure)',
      parameters: [
        sessionParam,
        { name: 'async', in: 'query', required: false, schema: { type: 'string', enum: ['1', 'fail'] } },
        {
          name: 'card',
          in: 'query',
          required: false,
          description:
            'Test card number paid with (default 4242424242424242); the same number gives the same card fingerprint',
          schema: { type: 'string', maxLength: 32 },
        },
        {
          name: 'street',
          in: 'query',
          required: false,
          description: "Street line of the shipping address (default: the simulator's address)",
          schema: { type: 'string', maxLength: 200 },
        },
      ],
      responses: { ...redirect, ...errors },
    },
  },
  '/dev/checkout/{sessionId}/cancel': {
    post: {
      operationId: 'dev-checkout-cancel',
      tags: ['dev', 'checkout'],
      security: PUBLIC_SECURITY(),
      summary: 'Local payment simulator: abandon the checkout (the session expires)',
      parameters: [sessionParam],
      responses: { ...redirect, ...errors },
    },
  },
  '/dev/checkout/{sessionId}/expire': {
    post: {
      operationId: 'dev-checkout-expire',
      tags: ['dev', 'checkout'],
      security: PUBLIC_SECURITY(),
      summary:
        'Local payment simulator: close a session as Stripe expires one (the jobs process calls it, F6)',
      parameters: [sessionParam],
      responses: {
        200: {
          description: 'What happened: expired now, already closed, or unknown session',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { result: { type: 'string', enum: ['expired', 'not_open', 'not_found'] } },
                required: ['result'],
              },
            },
          },
        },
        ...errors,
      },
    },
  },
};
