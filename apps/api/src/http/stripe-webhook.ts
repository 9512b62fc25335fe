import express, { Router } from 'express';
import { receivePaymentWebhook, type Deps } from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
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

/** The one error shape of every surface (documented inline: plain routes have no generated schema). */
export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        status: { type: 'integer' },
        message: { type: 'string' },
        requestId: { type: 'string' },
        details: {},
      },
      required: ['code', 'status', 'message'],
    },
  },
  required: ['error'],
} as const;
const errorResponse = {
  description: 'Error',
  content: { 'application/json': { schema: errorResponseSchema } },
};

export const stripeWebhookPaths: PlainPaths = {
  '/webhooks/stripe': {
    post: {
      tags: ['checkout'],
      summary:
        'Receive Stripe events (raw body, stripe-signature); finalise, expire or record; dedupe by event id',
      parameters: [{ name: 'stripe-signature', in: 'header', required: true, schema: { type: 'string' } }],
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
        400: {
          ...errorResponse,
          description: 'Missing or invalid signature, or malformed event (e.g. an event id that is not one)',
        },
        404: { ...errorResponse, description: 'The event names an unknown order' },
        409: {
          ...errorResponse,
          description:
            'The same event is still being processed by another delivery (EVENT_IN_PROGRESS, Retry-After): deliver it again',
        },
        413: { ...errorResponse, description: 'Body larger than 1 MB' },
        502: {
          ...errorResponse,
          description: 'The payment provider could not be reached (retried by Stripe)',
        },
      },
    },
  },
};
