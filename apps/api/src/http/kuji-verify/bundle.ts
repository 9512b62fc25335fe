import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface VerifierBundle {
  /** First 16 hex digits of the bundle's SHA-256: part of its URL, so it can be cached for a year. */
  hash: string;
  code: string;
}

/** Beside the compiled bundle.js: the script `pnpm build` bundled (scripts/prebuild-verifier.mjs). */
export const PREBUILT_VERIFIER = new URL('./browser.bundle.js', import.meta.url);

const fromSource = import.meta.url.endsWith('.ts');

/**
 * The verify page's browser script: `browser.ts` beside this file's source (a browser program with its own
 * tsconfig, so tsc never compiles it) with `@popbox/domain/kuji-verifier` — the very verifier the CLI and the
 * tests run — bundled by esbuild. The verifier comes from its sources under the development condition
 * (pnpm dev, tests), from the compiled dist otherwise (`pnpm build` runs this once and writes the result to
 * PREBUILT_VERIFIER). esbuild is imported only here, when a bundle is built.
 */
export async function buildVerifierCode(): Promise<string> {
  const entry = fileURLToPath(
    new URL(fromSource ? './browser.ts' : '../../../src/http/kuji-verify/browser.ts', import.meta.url),
  );
  if (!existsSync(entry)) throw new Error(`kuji verify page script not found: ${entry}`);
  const { build } = await import('esbuild');
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
  return result.outputFiles[0]!.text;
}

/**
 * The built API serves the bundle `pnpm build` wrote (issue 14: no esbuild, no bundling at run time); from
 * sources, or a dist without it, the bundle is built here.
 */
async function loadBundle(): Promise<VerifierBundle> {
  const prebuilt = fromSource ? undefined : await readFile(PREBUILT_VERIFIER, 'utf8').catch(() => undefined);
  const code = prebuilt ?? (await buildVerifierCode());
  return { hash: createHash('sha256').update(code).digest('hex').slice(0, 16), code };
}

let cached: Promise<VerifierBundle> | undefined;

/** Loaded once per process, on first use; a failure is retried on the next request. */
export function verifierBundle(): Promise<VerifierBundle> {
  cached ??= loadBundle().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
