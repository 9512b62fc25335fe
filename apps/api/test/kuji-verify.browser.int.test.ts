import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FairnessDocument } from '@popbox/domain/kuji-verifier';
import { haveChromium, launchChromium, warnIfNoChromium } from './support/browser.js';
import { sql } from './support/checkout.js';
import { sellKujiBoard, type SoldTicket } from './support/kuji-board.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** GET /kuji/{slug}/verify runs the public verifier in Chromium against a board sold out through checkout. */
warnIfNoChromium('kuji verify page tests');

const HOSTILE_NAME = 'Plush <img src=x onerror="window.pwned=1"> box';

let app: TestApp;
let browser: Browser;
let slug: string;
let tickets: SoldTicket[];
beforeAll(async () => {
  if (!haveChromium) return;
  app = await startTestApp();
  ({ slug, tickets } = await sellKujiBoard(app));
  await sql(app, `UPDATE products SET name = $1 WHERE slug = $2`, [HOSTILE_NAME, slug]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page that records console errors, page errors and CSP refusals. */
async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

describe.skipIf(!haveChromium)('the kuji verify page in a real browser', () => {
  it('verifies every epoch and every draw of a sold-out board, under a strict CSP, escaping what it prints', async () => {
    const { page, problems } = await open();
    const scripts: Array<{ url: string; cache: string | undefined }> = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script')
        scripts.push({ url: r.url(), cache: r.headers()['cache-control'] });
    });
    const res = await page.goto(`${app.url}/kuji/${slug}/verify`);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#verdict[data-ok="true"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#verdict').textContent()).toBe(
      'Verified: every epoch and every draw of this board checks out.',
    );
    expect(await page.locator('h1').textContent()).toBe(`Verify “${HOSTILE_NAME}”`);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();

    const epochs = page.locator('#epochs tr[data-epoch]');
    expect(await epochs.count()).toBe(1);
    expect(await epochs.first().getAttribute('data-ok')).toBe('true');
    expect(await epochs.first().locator('td').last().textContent()).toBe('verified');
    expect(await epochs.first().textContent()).toContain('(revealed: sold out)');

    const lineRefs = [...new Set(tickets.map((t) => t.lineRef))];
    const rows = page.locator('#lines tr[data-line]');
    expect(await rows.count()).toBe(lineRefs.length);
    for (const lineRef of lineRefs) {
      const row = page.locator(`#lines tr[data-line="${lineRef}"]`);
      expect(await row.getAttribute('data-status')).toBe('verified');
      expect(await row.getAttribute('data-ok')).toBe('true');
      const positions = tickets.filter((t) => t.lineRef === lineRef).map((t) => t.position);
      expect(await row.locator('td').nth(3).textContent()).toBe(
        `${Math.min(...positions)}–${Math.max(...positions)}`,
      );
    }
    const final = tickets.find((t) => t.position === 12)!;
    expect(await page.locator('#last-one').textContent()).toContain(`won by line ${final.lineRef}`);
    expect(await page.locator('#chains tbody tr').count()).toBe(1);

    // The verifier bundle's URL carries its content hash and is cached for a year.
    expect(scripts).toEqual([
      {
        url: expect.stringMatching(/\/kuji\/verifier\.[0-9a-f]{16}\.js$/),
        cache: 'public, max-age=31536000, immutable',
      },
    ]);
    // Any other hash (a page cached from an older build) is not this bundle.
    expect((await fetch(`${app.url}/kuji/verifier.0000000000000000.js`)).status).toBe(404);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("checks a buyer's ticket linked through the query string, and a wrong prize typed into the form", async () => {
    const { page, problems } = await open();
    const t = tickets[5]!;
    await page.goto(
      `${app.url}/kuji/${slug}/verify?line=${t.lineRef}&position=${t.position}&prize=${t.prizeId}`,
    );
    const verdict = page.locator('#ticket-verdict[data-ok="true"]');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.textContent()).toMatch(
      new RegExp(`^Verified: Position ${t.position} of line ${t.lineRef} holds [A-Z0-9]+ \\(${t.prizeId}\\)`),
    );

    const wrong = tickets.find((o) => o.prizeId !== t.prizeId)!.prizeId;
    await page.fill('input[name="prize"]', wrong);
    await Promise.all([page.waitForURL(/prize=/), page.click('#ticket-form button')]);
    const bad = page.locator('#ticket-verdict[data-ok="false"]');
    await bad.waitFor({ timeout: 30_000 });
    expect(await bad.textContent()).toContain(
      `position ${t.position} should hold prize ${t.prizeId}, not ${wrong}`,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the problem when the fairness document it receives was tampered with', async () => {
    const { page } = await open();
    let lineRef = '';
    await page.route(`**/api/v1/kuji/${slug}/fairness`, async (route) => {
      const response = await route.fetch();
      const doc = (await response.json()) as FairnessDocument;
      // One line's log entry is rewritten to hold one more ticket than it was logged with.
      const entry = doc.log.find((e) => e.kind === 'draw')!;
      lineRef = entry.lineRef!;
      entry.ticketCount += 1;
      await route.fulfill({ response, json: doc });
    });
    await page.goto(`${app.url}/kuji/${slug}/verify`);
    await page.locator('#verdict[data-ok="false"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#verdict').textContent()).toMatch(
      /^Problem: the verifier found \d+ problems?\./,
    );
    const row = page.locator(`#lines tr[data-line="${lineRef}"]`);
    expect(await row.getAttribute('data-ok')).toBe('false');
    expect(await row.textContent()).toContain(
      'its entry hash does not match its contents (the entry was altered)',
    );
    await page.close();
  });

  it('answers 404 with a page for an unknown board, and prints query values as text', async () => {
    const { page } = await open();
    const res = await page.goto(`${app.url}/kuji/no-such-board/verify`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Kuji board not found');

    const hostile = '"><script>window.pwned=1</script>';
    await page.goto(`${app.url}/kuji/${slug}/verify?line=${encodeURIComponent(hostile)}`);
    expect(await page.inputValue('input[name="line"]')).toBe(hostile);
    await page.locator('#ticket-verdict[data-ok="false"]').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });
});
