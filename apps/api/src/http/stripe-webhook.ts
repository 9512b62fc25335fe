import express, { Router } from 'express';
import { receivePaymentWebhook, type Deps } from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';
import { sendError } from './send-error.js';

import { STRIPE_WEBHOOK_PATH } from './stripe-webhook-path.js';

/**
 * B5: the webhook receives the exact raw bytes (mounted before the JSON parser, security rule 2), up to
 * 1 MB of application/json. Everything else is the domain's: signature, inbox, at-most-once effects.
 */
export function stripeWebhookRouter(deps: Deps): Router {
  const r = Router();
  r.post(
    STRIPE_WEBHOOK_PATH,
    express.raw({ type: 'application/json', limit: '1mb' }),
    async (req, res, next) => {
      if (!Buffer.isBuffer(req.body)) {
        sendError(req, res, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          status: 415,
          message: 'Webhook bodies must be application/json',
        });
        return;
      }
      try {
        const receipt = await receivePaymentWebhook(deps, req.body, req.headersDistinct['stripe-signature']);
        res.json(receipt);
      } catch (error) {
        next(error);
      }
    },
  );
  return r;
}

export const stripeWebhookPaths: PlainPaths = {
  [STRIPE_WEBHOOK_PATH]: {
    post: {
      operationId: 'public-webhooks-stripe',
      tags: ['checkout'],
      summary:
        'Receive Stripe events (raw body, stripe-signature); finalise, expire or record; dedupe by event id',
      description:
        'Authenticated by the `Stripe-Signature` header (an HMAC of the raw body with the webhook secret), not by ' +
        'a security scheme: a missing or invalid signature answers 400 `INVALID_SIGNATURE`.',
      security: PUBLIC_SECURITY(),
      parameters: [
        {
          name: 'Stripe-Signature',
          in: 'header',
          required: true,
          description: "Stripe's `t=…,v1=…` signature of the raw request body",
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', description: 'A Stripe event' } } },
      },
      responses: {
        200: {
          description: 'Accepted (also for duplicates, which have no effect)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { received: { type: 'boolean', const: true }, duplicate: { type: 'boolean' } },
                required: ['received', 'duplicate'],
              },
            },
          },
        },
        ...errorResponses(
          [
            'INVALID_SIGNATURE',
            'BAD_REQUEST',
            'MALFORMED_JSON',
            'NOT_FOUND',
            'EVENT_IN_PROGRESS',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'RATE_LIMITED',
            'INTERNAL',
            'UPSTREAM_FAILED',
          ],
          {
            400: 'Missing or invalid signature, or a malformed event (e.g. an event id that is not one)',
            404: 'The event names an unknown order',
            409: 'The same event is still being processed by another delivery: deliver it again after Retry-After',
            413: 'Body larger than 1 MB',
            502: 'The payment provider could not be reached (Stripe retries)',
          },
        ),
      },
    },
  },
};
