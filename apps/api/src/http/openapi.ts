import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { AppRouter } from '../trpc/app-router.js';
import { healthPaths } from './health.js';

/** Documentation of routes that cannot be procedures (F1): each plain-route module contributes its paths. */
export type PlainPaths = NonNullable<Parameters<typeof generateOpenApiDocument>[1]['paths']>;

export function buildOpenApiDocument(router: AppRouter, extraPaths: PlainPaths[] = []): OpenAPIObject {
  const paths = Object.assign({}, healthPaths, ...extraPaths) as PlainPaths;
  return generateOpenApiDocument(router, {
    title: 'PopBox Studio API',
    version: '1.0.0',
    description:
      'REST surface of the PopBox Studio backend, generated from the same tRPC procedures TypeScript clients call. ' +
      'Errors always have the shape `{ error: { code, status, message, requestId, details? } }`, except rate-limit ' +
      'refusals: 429 `{ ok: false, error: { code: "RATE_LIMITED", status, message, requestId } }` with draft-7 ' +
      '`RateLimit` / `RateLimit-Policy` headers and `Retry-After`.',
    baseUrl: '/api/v1',
    paths,
    securitySchemes: {
      Authorization: { type: 'http', scheme: 'bearer', description: 'Supabase access token of a staff user' },
    },
    tags: ['catalog', 'content', 'checkout', 'orders', 'kuji', 'alerts', 'admin', 'health'],
  });
}
