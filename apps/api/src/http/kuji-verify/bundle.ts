import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface VerifierBundle {
  /** First 16 hex digits of the bundle's SHA-256: part of its URL, so it can be cached for a year. */
  hash: string;
  code: string;
}

/**
 * The verify page's browser script: `browser.ts` beside this file's source (a browser program with its own
 * tsconfig, so tsc never compiles it) with `@popbox/domain/kuji-verifier` — the very verifier the CLI and the
 * tests run — bundled by esbuild. The verifier comes from its sources under the development condition
 * (pnpm dev, tests), from the compiled dist otherwise (pnpm start, the image).
 */
async function buildBundle(): Promise<VerifierBundle> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(fromSource ? './browser.ts' : '../../../src/http/kuji-verify/browser.ts', import.meta.url),
  );
  if (!existsSync(entry)) throw new Error(`kuji verify page script not found: ${entry}`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: fromSource ? ['development'] : [],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { hash: createHash('sha256').update(code).digest('hex').slice(0, 16), code };
}

let cached: Promise<VerifierBundle> | undefined;

/** Built once per process, on first use; a failed build is retried on the next request. */
export function verifierBundle(): Promise<VerifierBundle> {
  cached ??= buildBundle().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
