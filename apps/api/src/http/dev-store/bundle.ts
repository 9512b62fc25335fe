import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StoreBundle {
  /** First 16 hex digits of the bundle's SHA-256: part of its URL, so a rebuilt bundle is never served stale. */
  hash: string;
  code: string;
}

const fromSource = import.meta.url.endsWith('.ts');

/**
 * The dev storefront's script: `browser.ts` with the client package's sources bundled by esbuild. The
 * storefront exists only with the embedded defaults (never in production), so it is always bundled from the
 * TypeScript sources, once per process on first use; esbuild is imported only here.
 */
async function buildStore(): Promise<StoreBundle> {
  const entry = fileURLToPath(
    new URL(fromSource ? './browser.ts' : '../../../src/http/dev-store/browser.ts', import.meta.url),
  );
  if (!existsSync(entry)) throw new Error(`dev storefront script not found: ${entry}`);
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['development'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { hash: createHash('sha256').update(code).digest('hex').slice(0, 16), code };
}

let cached: Promise<StoreBundle> | undefined;

/** Built once per process; a failure is retried on the next request. */
export function storeBundle(): Promise<StoreBundle> {
  cached ??= buildStore().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
