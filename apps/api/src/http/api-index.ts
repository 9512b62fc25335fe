import { Router } from 'express';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

/** Where a client (or a person with curl) goes from the API root. */
const API_INDEX = {
  name: 'PopBox Studio API',
  links: {
    openapi: '/api/v1/openapi.json',
    docs: '/docs',
    health: '/health',
    ready: '/ready',
  },
} as const;
const BODY = JSON.stringify(API_INDEX);

/**
 * `GET /api/v1` (issue 15): a small JSON index of the API's entry points. It touches no database, so it is
 * also `pnpm bench`'s reference route (issue 14): mounted where public reads are, behind the same middleware
 * (security headers, CORS, compression, rate limits, body parsers, input guard), it measures what the stack
 * alone costs and every read's throughput is reported as a fraction of it.
 */
export function apiIndexRouter(): Router {
  const r = Router();
  r.get('/api/v1', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('json').send(BODY);
  });
  return r;
}

export const apiIndexPaths: PlainPaths = {
  '/api/v1': {
    get: {
      operationId: 'public-health-apiIndex',
      tags: ['health'],
      security: PUBLIC_SECURITY(),
      summary: "The API's entry points: OpenAPI document, reference, health and readiness",
      responses: {
        200: {
          description: 'Links to the OpenAPI document, the API reference and the probes',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  links: {
                    type: 'object',
                    properties: {
                      openapi: { type: 'string' },
                      docs: { type: 'string' },
                      health: { type: 'string' },
                      ready: { type: 'string' },
                    },
                    required: ['openapi', 'docs', 'health', 'ready'],
                  },
                },
                required: ['name', 'links'],
              },
            },
          },
        },
        ...errorResponses(['RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
};
