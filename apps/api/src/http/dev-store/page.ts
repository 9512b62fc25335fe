import { Router, type NextFunction, type Request, type Response } from 'express';
import { html, raw } from '@popbox/domain';
import { storeBundle } from './bundle.js';
import { hashedBundleHandler } from '../browser-bundle.js';

/** Where the storefront lives; the dev default of CLIENT_BASE_URL points here (config.ts). */
export const DEV_STORE_BASE = '/shop';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  'img-src data: http: https:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `body{font-family:system-ui,sans-serif;max-width:960px;margin:0 auto;padding:0 16px 32px;color:#222;line-height:1.45}
header{display:flex;gap:16px;align-items:center;padding:12px 0;border-bottom:1px solid #eee;margin-bottom:16px}
header a{color:#222;text-decoration:none}header .brand{font-weight:700;margin-right:auto}
.grid{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.grid li{border:1px solid #eee;border-radius:8px;padding:12px}.price{color:#14532d;font-weight:600}
.badge{background:#fde68a;border-radius:4px;padding:0 4px;font-size:12px}.error{color:#7f1d1d}.note{color:#555}
table{border-collapse:collapse}td,th{padding:4px 12px 4px 0;border-bottom:1px solid #eee;text-align:left}
.ticket{margin:6px 0}button{padding:6px 14px;font:inherit}input{padding:4px 6px;font:inherit}
.dev{background:#f1f1f4;color:#555;font-size:13px;padding:6px 10px;border-radius:6px}`;

function shell(script: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>PopBox Studio · dev storefront</title>
        <link rel="icon" href="data:," />
        <style>
          ${raw(STYLE)}
        </style>
        <script src="${script}" defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href="${DEV_STORE_BASE}/">PopBox Studio</a>
          <a href="${DEV_STORE_BASE}/cart" id="cart-link">Cart (<span id="cart-count">0</span>)</a>
          <a href="/dev/mailbox">Mailbox</a>
          <a href="/docs">API</a>
        </header>
        <main id="app"><p class="note">Loading…</p></main>
        <p class="dev">
          Development storefront served by the API with the embedded defaults only; it uses nothing but the
          public API through <code>@popbox/client</code> (apps/api/src/http/dev-store/browser.ts).
        </p>
      </body>
    </html>`.value;
}

/** The pages the browser module routes: home (search), product, cart, checkout success, order. */
const PAGES = [
  DEV_STORE_BASE,
  `${DEV_STORE_BASE}/`,
  `${DEV_STORE_BASE}/products/:slug`,
  `${DEV_STORE_BASE}/cart`,
  `${DEV_STORE_BASE}/checkout/success`,
  `${DEV_STORE_BASE}/orders/:publicId`,
];

/**
 * The dev storefront (issue 15): a small reference storefront so a backend-only newcomer can finish the
 * buyer journey in a browser — the simulator's success URL and the emailed order links land here. Mounted
 * by providerRoutes only while the embedded payment simulator and dev mailbox are active, and never with
 * NODE_ENV=production. Every page is the same shell; one same-origin script renders it.
 *
 * The emailed link `{CLIENT_BASE_URL}/orders/{publicId}?token=…` is sent on to the API's guest access
 * exchange, which sets the session cookie and redirects back to the clean order URL.
 */
export function devStoreRouter(): Router {
  const r = Router();
  // Belt and braces: production config already refuses the embedded providers this router is mounted with.
  if (process.env.NODE_ENV === 'production') return r;
  // Express 5 passes a rejected handler (a failed build) on to the error handler.
  r.get(`${DEV_STORE_BASE}/app.:hash.js`, hashedBundleHandler(storeBundle));
  r.get(`${DEV_STORE_BASE}/orders/:publicId`, (req, res, next) => {
    const token = req.query.token;
    if (typeof token !== 'string' || !token) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(
      302,
      `/api/v1/orders/${encodeURIComponent(req.params.publicId)}/access?token=${encodeURIComponent(token)}`,
    );
  });
  r.get(PAGES, async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const bundle = await storeBundle();
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(shell(`${DEV_STORE_BASE}/app.${bundle.hash}.js`));
    } catch (error) {
      next(error);
    }
  });
  return r;
}
