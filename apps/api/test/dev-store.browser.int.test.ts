import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';
import { orderAccessUrl, resendEmailSender } from '@popbox/domain';
import { sql } from './support/checkout.js';
import { haveChromium, launchChromium, warnIfNoChromium } from './support/browser.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 15: the dev storefront under /shop walks the whole buyer journey in Chromium — home, a kuji product
 * with its live board, the cart, checkout through the simulator, the success page, the order page, a
 * scratched ticket and the board's verify page — by clicking only, through the public API alone.
 */
warnIfNoChromium('dev storefront test');

let app: TestApp;
let browser: Browser;
let dealer: ReturnType<typeof setInterval> | undefined;

beforeAll(async () => {
  if (!haveChromium) return;
  app = await startTestApp();
  // As `pnpm dev` configures it: the storefront is CLIENT_BASE_URL, so the simulator and links land on it.
  const shop = `${app.url}/shop`;
  app.deps.config.clientBaseUrl = shop;
  app.deps.config.checkout = {
    successUrl: `${shop}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${shop}/cart`,
  };
  // The jobs app's dealer, with the test beacon's clock moved to the lines' target round.
  dealer = setInterval(() => void dealKujiDrawsNow(app.database.db).catch(() => undefined), 300);
  browser = await launchChromium();
});
afterAll(async () => {
  if (dealer) clearInterval(dealer);
  await browser?.close();
  await app?.close();
});

describe.skipIf(!haveChromium)('the dev storefront in a real browser', () => {
  it('takes a buyer from the home page to a revealed kuji ticket and a verified board, clicking only', async () => {
    // Two cards and a Last One: the buyer's two draws sell the board out, so its seed is revealed.
    const { product } = await makeKujiProduct(app.database.db, {
      product: { name: 'Gacha Plush Kuji' },
      prizes: [
        { code: 'A1', quantity: 1, name: 'Giant plush' },
        { code: 'B1', quantity: 1, name: 'Keychain' },
        { code: 'LO', tier: 'LO', quantity: 1, name: 'Last One: big plush' },
      ],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`${m.text()} ${m.location().url}`));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));

    const home = await page.goto(`${app.url}/shop/`);
    expect(home!.status()).toBe(200);
    expect(home!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('#search input[name="q"]', 'Gacha');
    await Promise.all([page.waitForURL(`${app.url}/shop/?q=Gacha`), page.click('#search button')]);
    await page.click(`#products li[data-slug="${product.slug}"] a`);
    await page.waitForURL(`${app.url}/shop/products/${product.slug}`);
    expect(await page.textContent('h1')).toBe('Gacha Plush Kuji');
    // The live board (SSE subscription) shows the tier counts.
    await page.locator('#tiers tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#tiers tbody tr').count()).toBeGreaterThan(0);

    await page.fill('#quantity', '2');
    await page.click('#add-to-cart');
    await page.click('#go-to-cart');
    await page.waitForURL(`${app.url}/shop/cart`);
    expect(await page.textContent('#cart')).toContain('Gacha Plush Kuji');

    await Promise.all([page.waitForURL(`${app.url}/dev/checkout/**`), page.click('#checkout')]);
    await Promise.all([page.waitForURL(`${app.url}/shop/checkout/success**`), page.click('#pay')]);
    await page.locator('#order-link').waitFor({ timeout: 15_000 });
    expect(await page.textContent('#success-status')).toContain('is paid');

    await Promise.all([page.waitForURL(`${app.url}/shop/orders/**`), page.click('#order-link')]);
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('paid');
    await page.locator('.ticket').nth(1).waitFor();
    expect(await page.locator('.ticket').count()).toBe(2);

    // Dealt within a few beacon rounds; then each ticket can be scratched.
    const scratch = page.locator('.ticket[data-status="dealt"] button.scratch').first();
    await scratch.waitFor({ timeout: 20_000 });
    await scratch.click();
    const prize = page.locator('.ticket .prize').first();
    await prize.waitFor({ timeout: 10_000 });
    expect(await prize.textContent()).toMatch(/^[A-Z]+: (Giant plush|Keychain)$/);

    await Promise.all([
      page.waitForURL(`${app.url}/kuji/${product.slug}/verify`),
      page.click('#board-verify'),
    ]);
    await page.locator('#verdict[data-ok="true"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('#verdict')).toContain('Verified');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('is not mounted without both embedded defaults (Resend configured: 404)', async () => {
    const resendApp = await startTestApp({
      deps: { emailSender: resendEmailSender({ apiKey: 're_x', baseUrl: 'http://127.0.0.1:9' }) },
    });
    try {
      expect((await fetch(`${resendApp.url}/shop/`)).status).toBe(404);
    } finally {
      await resendApp.close();
    }
  });

  it('opens the order from the emailed link in a fresh browser: the token becomes the session cookie', async () => {
    const [order] = (await sql(
      app,
      `SELECT public_id AS "publicId", access_token_version AS "accessTokenVersion" FROM orders WHERE status = 'paid' LIMIT 1`,
    )) as [{ publicId: string; accessTokenVersion: number }];
    // What the confirmation email links to (the dev mailbox shows it): {CLIENT_BASE_URL}/orders/{publicId}?token=…
    const link = orderAccessUrl(app.deps, order);
    expect(link.startsWith(`${app.url}/shop/orders/${order.publicId}?token=`)).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    expect(page.url()).toBe(`${app.url}/shop/orders/${order.publicId}`);
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('paid');
    await page.locator('.ticket .prize').first().waitFor();
    expect((await context.cookies()).map((c) => c.name)).toContain('guest_order_session');
    await context.close();
  });
});
