import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { AppRouter } from '../trpc/app-router.js';
import { healthPaths } from './health.js';
import { documentProcedures, REST_BASE, type PathItems } from './openapi/procedure-operations.js';
import { ERROR_HEADERS, ERROR_SCHEMAS, errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY, SECURITY_SCHEMES } from './openapi/security.js';

/**
 * Documentation of routes that cannot be procedures (F1): each plain-route module contributes its paths.
 * Paths are full (`/api/v1/...`, `/health`): the document has one server, the origin. Every operation names
 * its `operationId`, its `security` (`PUBLIC_SECURITY()` and friends from ./openapi/security.js) and its
 * statuses (`errorResponses([...codes])` from ./openapi/responses.js).
 */
export type PlainPaths = NonNullable<Parameters<typeof generateOpenApiDocument>[1]['paths']>;

export const OPENAPI_PATH = `${REST_BASE}/openapi.json`;

const TAGS = [
  { name: 'catalog', description: 'Public product browsing: home rails, listings, product pages, search.' },
  { name: 'content', description: 'Public legal pages, FAQ and the storefront banner.' },
  {
    name: 'checkout',
    description: 'Checkout sessions (Idempotency-Key), the success poll, the payment webhook and simulator.',
  },
  {
    name: 'orders',
    description:
      'Guest order pages and kuji tickets, reached through the emailed access link (guest cookie).',
  },
  { name: 'kuji', description: 'Kuji boards: live state, the public fairness document and its verify page.' },
  {
    name: 'alerts',
    description: 'Restock, drop and new-board alerts: double opt-in subscriptions by email.',
  },
  { name: 'admin', description: 'Staff operations (Supabase bearer token of an admin user).' },
  { name: 'health', description: 'Liveness and readiness probes (never rate-limited).' },
  { name: 'dev', description: 'Development-only pages of the embedded defaults; absent in production.' },
  { name: 'reference', description: 'This document and the human API reference.' },
];

const documentPaths: PlainPaths = {
  [OPENAPI_PATH]: {
    get: {
      operationId: 'public-reference-openapiDocument',
      tags: ['reference'],
      summary: 'This OpenAPI 3.1 document',
      security: PUBLIC_SECURITY(),
      responses: {
        200: { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } },
        ...errorResponses(['RATE_LIMITED']),
      },
    },
  },
};

export function buildOpenApiDocument(router: AppRouter, extraPaths: PlainPaths[] = []): OpenAPIObject {
  const generated = generateOpenApiDocument(router, {
    title: 'PopBox Studio API',
    version: '1.0.0',
    description:
      'REST surface of the PopBox Studio backend, generated from the same tRPC procedures TypeScript clients call. ' +
      'Errors always have the shape `{ error: { code, status, message, requestId, details? } }`, except rate-limit ' +
      'refusals: 429 `{ ok: false, error: { code: "RATE_LIMITED", status, message, requestId } }` with draft-7 ' +
      '`RateLimit` / `RateLimit-Policy` headers and `Retry-After`. Security per operation: none for public ' +
      'operations, the `guest_order_session` cookie for guest order pages, an admin bearer token for `/api/v1/admin`.',
    // No licence has been chosen for this code: say so with an SPDX custom reference rather than invent one.
    license: { name: 'Proprietary', identifier: 'LicenseRef-PopBox-Proprietary' },
    // One server, the origin: every path below is absolute, so `/health` and `/api/v1/products` both resolve.
    baseUrl: '/',
    securitySchemes: SECURITY_SCHEMES as unknown as NonNullable<
      Parameters<typeof generateOpenApiDocument>[1]['securitySchemes']
    >,
  });
  const paths = mergePaths(documentProcedures(router, generated.paths as PathItems), [
    healthPaths,
    documentPaths,
    ...extraPaths,
  ] as unknown as PathItems[]);
  return {
    ...generated,
    paths,
    components: {
      ...generated.components,
      schemas: { ...withoutLibraryErrors(generated.components?.schemas), ...ERROR_SCHEMAS },
      headers: ERROR_HEADERS,
    },
    tags: TAGS,
  } as unknown as OpenAPIObject;
}

/** Plain routes join the procedures' path items; two documents of one method and path are a bug. */
function mergePaths(base: PathItems, extra: PathItems[]): PathItems {
  const out: PathItems = { ...base };
  for (const paths of extra) {
    for (const [path, item] of Object.entries(paths)) {
      const clash = Object.keys(item).find((method) => out[path]?.[method]);
      if (clash) throw new Error(`OpenAPI: ${clash.toUpperCase()} ${path} is documented twice`);
      out[path] = { ...out[path], ...item };
    }
  }
  return out;
}

/** trpc-to-openapi registers its own `error.*` body schemas (`{ message, code, issues }`); ours replace them. */
function withoutLibraryErrors(schemas: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => !name.startsWith('error.')));
}
