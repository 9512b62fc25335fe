import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadOnce } from '@popbox/domain';
import { browserBundle, bundleBrowserScript } from '../browser-bundle.js';

/** Beside the compiled bundle.js: the script `pnpm build` bundled (scripts/prebuild-verifier.mjs). */
export const PREBUILT_VERIFIER = new URL('./browser.bundle.js', import.meta.url);

const fromSource = import.meta.url.endsWith('.ts');

/**
 * The verify page's browser script: `browser.ts` beside this file's source (a browser program with its own
 * tsconfig, so tsc never compiles it) with `@popbox/domain/kuji-verifier` — the very verifier the CLI and the
 * tests run — bundled by esbuild. The verifier comes from its sources under the development condition
 * (pnpm dev, tests), from the compiled dist otherwise (`pnpm build` runs this once and writes the result to
 * PREBUILT_VERIFIER).
 */
export async function buildVerifierCode(): Promise<string> {
  const entry = fileURLToPath(
    new URL(fromSource ? './browser.ts' : '../../../src/http/kuji-verify/browser.ts', import.meta.url),
  );
  return bundleBrowserScript(entry, {
    what: 'kuji verify page',
    conditions: fromSource ? ['development'] : [],
  });
}

/**
 * The built API serves the bundle `pnpm build` wrote (issue 14: no esbuild, no bundling at run time); from
 * sources, or a dist without it, the bundle is built here.
 */
export const verifierBundle = loadOnce(async () => {
  const prebuilt = fromSource ? undefined : await readFile(PREBUILT_VERIFIER, 'utf8').catch(() => undefined);
  return browserBundle(prebuilt ?? (await buildVerifierCode()));
});
