import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

/**
 * The OpenAPI document is a published contract: it is committed (apps/api/openapi.snapshot.json) and any
 * change to it must be deliberate. After an intended change run `pnpm openapi:snapshot` and commit the diff.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('OpenAPI snapshot', () => {
  it('serves exactly the committed document (run `pnpm openapi:snapshot` after an intended change)', async () => {
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('../openapi.snapshot.json');
  });
});
