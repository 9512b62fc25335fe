import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { haveChromium, launchChromium, warnIfNoChromium } from './support/browser.js';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { inventoryOf, orderOf, postCheckout } from './support/checkout.js';

warnIfNoChromium('browser checkout test');

let app: TestApp;
let shop: Server;
let shopUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  // A tiny storefront: the success and cancel pages the simulator redirects to.
  shop = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>shop</title><h1 id="landed">${req.url?.startsWith('/success') ? 'Thank you' : 'Cart'}</h1>`,
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  app = await startTestApp();
  app.deps.config.checkout = {
    successUrl: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${shopUrl}/cart`,
  };
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => (shop ? shop.close(resolve) : resolve(undefined)));
});

describe.skipIf(!haveChromium)('checkout in a real browser (simulator)', () => {
  it('opens the checkout URL, clicks Pay, lands on the success URL, and the order is paid', async () => {
    const p = await makeProduct(app.database.db, { product: { name: 'Keychain' }, inventory: { onHand: 2 } });
    const created = await json(await postCheckout(app, { items: [{ productId: p.id, quantity: 1 }] }));

    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && blocked.push(msg.text()));
    await page.goto(created.checkoutUrl);
    expect(await page.textContent('h1')).toContain(created.publicId);
    expect(await page.textContent('body')).toContain('Keychain');

    await Promise.all([page.waitForURL(`${shopUrl}/success**`), page.click('#pay')]);
    expect(page.url()).toBe(`${shopUrl}/success?session_id=${created.sessionId}`);
    expect(await page.textContent('#landed')).toBe('Thank you');
    expect(blocked).toEqual([]);

    const state = await orderOf(app.database.db, created.orderId);
    expect(state.order.status).toBe('paid');
    expect(await inventoryOf(app.database.db, p.id)).toMatchObject({ onHand: 1, reserved: 0 });
    await page.close();
  });
});
