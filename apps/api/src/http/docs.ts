import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Router, type RequestHandler } from 'express';

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
    }) as unknown as RequestHandler;
    void handler(req, res, next);
  });
  return r;
}

/** The package does not export its browser bundle, so look it up on the module search paths. */
function scalarBundlePath(): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('@scalar/api-reference') ?? []) {
    const candidate = join(dir, '@scalar/api-reference/dist/browser/standalone.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('@scalar/api-reference browser bundle not found');
}
