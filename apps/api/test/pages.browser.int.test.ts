import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { haveChromium, launchChromium, warnIfNoChromium } from './support/browser.js';
import { enqueueEmail } from '@popbox/domain';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The pages people read — the API reference and the dev mailbox — really render in Chromium. */
warnIfNoChromium('page tests');

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  if (!haveChromium) return;
  app = await startTestApp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!haveChromium)('pages in a real browser', () => {
  it('renders the Scalar API reference from the served OpenAPI document, with no script blocked', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${app.url}/docs`);
    // The reference shows the document's title and its operations once the bundle ran.
    await page.getByRole('heading', { name: 'PopBox Studio API' }).waitFor({ timeout: 20_000 });
    await page.getByText('Active collections').first().waitFor({ timeout: 20_000 });
    // Scalar's web fonts come from its CDN and are refused by our CSP (system fonts are used instead);
    // no script may be refused.
    expect(problems.filter((p) => /script/i.test(p) && /Content Security Policy|Refused/i.test(p))).toEqual(
      [],
    );
    await page.close();
  });

  it('shows delivered dev emails in the mailbox page', async () => {
    await enqueueEmail(app.database.db, {
      kind: 'contact',
      to: 'hello@popbox.test',
      subject: 'Hello <b>there</b>',
      html: '<p>Hi</p>',
      text: 'Hi',
    });
    await app.database.pool.query(
      `UPDATE email_outbox SET status = 'sent', sent_at = now(), provider_message_id = 'dev-mailbox:' || id`,
    );
    const page = await browser.newPage();
    await page.goto(`${app.url}/dev/mailbox`);
    await page.getByText('Hello <b>there</b>').first().waitFor({ timeout: 10_000 });
    await page.close();
  });
});
