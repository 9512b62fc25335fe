import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';

/** A page's browser script, as served: its code and the hash in its URL. */
export interface BrowserBundle {
  /** First 16 hex digits of the bundle's SHA-256: part of its URL, so a rebuilt bundle is never served stale. */
  hash: string;
  code: string;
}

/**
 * Bundles one browser program (its own tsconfig, never compiled by tsc) with esbuild into one minified IIFE.
 * Shared by the kuji verify page and the dev storefront; esbuild is imported only when a bundle is built.
 */
export async function bundleBrowserScript(
  entry: string,
  opts: { what: string; conditions: string[] },
): Promise<string> {
  if (!existsSync(entry)) throw new Error(`${opts.what} script not found: ${entry}`);
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: opts.conditions,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export const browserBundle = (code: string): BrowserBundle => ({
  hash: createHash('sha256').update(code).digest('hex').slice(0, 16),
  code,
});

/**
 * The route handler of a bundle's hashed URL (`…/name.:hash.js`): the current bundle, cached for a year (a new
 * build has a new hash); any other hash falls through to 404. A failed build goes to the error handler.
 */
export function hashedBundleHandler(load: () => Promise<BrowserBundle>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const bundle = await load();
    if (req.params.hash !== bundle.hash) return next();
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('text/javascript').send(bundle.code);
  };
}
