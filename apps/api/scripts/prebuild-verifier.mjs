/**
 * Part of `pnpm build` (after tsc): bundles the kuji verify page's browser script once, with the compiled
 * verifier, into dist/http/kuji-verify/browser.bundle.js, which the built API serves as is (issue 14: the API
 * no longer runs esbuild at run time).
 */
import { writeFile } from 'node:fs/promises';

const { buildVerifierCode, PREBUILT_VERIFIER } = await import('../dist/http/kuji-verify/bundle.js');
await writeFile(PREBUILT_VERIFIER, await buildVerifierCode());
