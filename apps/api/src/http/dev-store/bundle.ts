import { fileURLToPath } from 'node:url';
import { loadOnce } from '@popbox/domain';
import { browserBundle, bundleBrowserScript } from '../browser-bundle.js';

const fromSource = import.meta.url.endsWith('.ts');

/**
 * The dev storefront's script: `browser.ts` with the client package's sources bundled by esbuild. The
 * storefront exists only with the embedded defaults (never in production), so it is always bundled from the
 * TypeScript sources, once per process on first use.
 */
export const storeBundle = loadOnce(async () => {
  const entry = fileURLToPath(
    new URL(fromSource ? './browser.ts' : '../../../src/http/dev-store/browser.ts', import.meta.url),
  );
  return browserBundle(
    await bundleBrowserScript(entry, { what: 'dev storefront', conditions: ['development'] }),
  );
});
