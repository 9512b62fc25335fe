import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Router, type RequestHandler } from 'express';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

/**
 * The human API reference at /docs (Scalar). Its browser bundle is served from our own node_modules, not a
 * CDN: the reference must work offline and under a strict CSP (a per-request nonce for its inline script).
 * Scalar's page renderer is imported at the first /docs request, not at startup (issue 14, lean memory).
 */
export function docsRouter(openApiUrl: string): Router {
  const bundle = scalarBundlePath();
  const r = Router();
  r.get('/docs/scalar.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(bundle);
  });
  // Express 5 passes a rejected handler (a failed import) on to the error handler.
  r.get('/docs', async (req, res, next) => {
    const { apiReference } = await import('@scalar/express-api-reference');
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'`,
    );
    const handler = apiReference({
      url: openApiUrl,
      cdn: '/docs/scalar.js',
      nonce,
      pageTitle: 'PopBox Studio API',
      // Offline-first: no Inter/JetBrains Mono from fonts.scalar.com (the CSP would block them anyway, one
      // console error per font); the reference uses the system fonts.
      withDefaultFonts: false,
    }) as unknown as RequestHandler;
    void handler(req, res, next);
  });
  return r;
}

/** The reference page (its script bundle at /docs/scalar.js is an asset, not an operation). */
export const docsPaths: PlainPaths = {
  '/docs': {
    get: {
      operationId: 'public-reference-docsPage',
      tags: ['reference'],
      summary: 'The human API reference (Scalar), rendering this document; works offline',
      security: PUBLIC_SECURITY(),
      responses: {
        200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errorResponses(['RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
};

/** The package does not export its browser bundle, so look it up on the module search paths. */
function scalarBundlePath(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('@scalar/api-reference') ?? []) {
    const candidate = join(dir, '@scalar/api-reference/dist/browser/standalone.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('@scalar/api-reference browser bundle not found');
}
