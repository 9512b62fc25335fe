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
    const failed: string[] = [];
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    const remote: string[] = [];
    page.on(
      'request',
      (r) => !r.url().startsWith(app.url) && !r.url().startsWith('data:') && remote.push(r.url()),
    );
    await page.goto(`${app.url}/docs`);
    // The reference shows the document's title and its operations once the bundle ran.
    await page.getByRole('heading', { name: 'PopBox Studio API' }).waitFor({ timeout: 20_000 });
    await page.getByText('Active collections').first().waitFor({ timeout: 20_000 });
    // Offline-first (issue 15): Scalar's web fonts are switched off, so nothing is fetched from another
    // origin and the console has no error at all (it used to have one CSP refusal per font).
    expect(remote).toEqual([]);
    expect(failed).toEqual([]);
    // The one 404 left is the browser's own /favicon.ico probe, which is not a page request (`failed` is empty).
    expect(problems.filter((p) => !/^Failed to load resource: .* 404/.test(p))).toEqual([]);
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
