import { Router, type Request, type Response, type NextFunction } from 'express';
import { findKujiBoard, html, raw, type Deps, type RawHtml } from '@popbox/domain';
import { verifierBundle } from './bundle.js';
import { hashedBundleHandler } from '../browser-bundle.js';
import type { PlainPaths } from '../openapi.js';
import { errorResponses } from '../openapi/responses.js';
import { PUBLIC_SECURITY } from '../openapi/security.js';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `body{font-family:system-ui,sans-serif;max-width:960px;margin:24px auto;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:28px}.sub{color:#666;margin-top:0}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:4px 8px 4px 0;border-bottom:1px solid #eee;vertical-align:top}
code,.mono{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}
.verdict{padding:12px 16px;border-radius:8px;font-size:17px;margin:16px 0}
.ok{background:#e6f6ea;color:#14532d}.bad{background:#fde8e8;color:#7f1d1d}.wait{background:#f1f1f4;color:#333}
td.ok,td.bad,td.wait{font-weight:600}ul.problems{margin:6px 0 0;padding-left:20px;font-size:14px}
form label{display:inline-block;margin:4px 12px 4px 0}input{padding:4px 6px;font:inherit}button{padding:6px 14px;font:inherit}
.note{color:#555;font-size:14px}`;

function shell(title: string, body: RawHtml, script?: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
        ${script ? html`<script src="${script}" defer></script>` : ''}
      </head>
      <body>
        ${body}
      </body>
    </html>`.value;
}

const one = (value: unknown) => (typeof value === 'string' ? value : '');

function verifyPage(board: { slug: string; name: string }, query: Request['query'], script: string): string {
  const line = one(query.line);
  const position = one(query.position);
  const prize = one(query.prize);
  return shell(
    `Verify ${board.name} · PopBox Studio`,
    html`<main id="verify" data-slug="${board.slug}">
      <h1>Verify “${board.name}”</h1>
      <p class="sub">
        This page downloads the board's public fairness document and checks it in your browser with PopBox's
        open verifier: the hash-chained draw log, every commitment and revealed seed, every beacon signature,
        and a replay of every draw.
      </p>
      <div id="verdict" class="verdict wait" data-ok="">Verifying…</div>
      <p id="facts" class="note"></p>
      <h2>Check a ticket</h2>
      <form id="ticket-form" method="get">
        <label
          >Line reference
          <input name="line" value="${line}" placeholder="ln_…" size="22" pattern="ln_[0-9a-f]{16}"
        /></label>
        <label>Position <input name="position" value="${position}" inputmode="numeric" size="6" /></label>
        <label>Prize id (optional) <input name="prize" value="${prize}" size="38" /></label>
        <button type="submit">Check</button>
      </form>
      <div id="ticket-verdict" class="verdict wait" data-ok="" hidden></div>
      <h2>Epochs</h2>
      <p class="note">
        Each epoch's deck is committed (a SHA-256 hash) before any of its tickets is sold; its secret seed is
        revealed when the epoch sells out or closes, and only then can the prizes be checked.
      </p>
      <table id="epochs">
        <thead>
          <tr>
            <th>Epoch</th>
            <th>Cards</th>
            <th>Commitment</th>
            <th>Seed</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
      <h2>Draws</h2>
      <p class="note">
        Every paid line, in the order it was logged, with the beacon round whose randomness dealt it.
      </p>
      <table id="lines">
        <thead>
          <tr>
            <th>Line</th>
            <th>Round</th>
            <th>Tickets</th>
            <th>Positions</th>
            <th>Status</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
      <h2>Last One</h2>
      <p id="last-one">…</p>
      <h2>Randomness beacon</h2>
      <table id="chains">
        <thead>
          <tr>
            <th>Beacon</th>
            <th>Chain hash</th>
            <th>Round period</th>
            <th>Rounds used</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
      <p class="note">
        Raw data: <a href="/api/v1/kuji/${board.slug}/fairness">fairness document (JSON)</a>. From a terminal:
        <code>./shop kuji:verify &lt;this page's URL&gt;</code>.
      </p>
    </main>`,
    script,
  );
}

function notFoundPage(): string {
  return shell(
    'Kuji board not found · PopBox Studio',
    html`<main>
      <h1>Kuji board not found</h1>
      <p>There is no kuji board on sale at this address.</p>
    </main>`,
  );
}

/**
 * GET /kuji/{slug}/verify: a public page that verifies a kuji board in the buyer's own browser with the same
 * verifier as `pnpm kuji:verify` (bundled from @popbox/domain/kuji-verifier), and GET /kuji/verifier.{hash}.js,
 * that bundle, cacheable for a year since its URL changes with its content.
 */
export function kujiVerifyRouter(deps: Pick<Deps, 'db' | 'clock'>): Router {
  const r = Router();
  // Express 5 passes a rejected handler (a failed build) on to the error handler.
  r.get('/kuji/verifier.:hash.js', hashedBundleHandler(verifierBundle));
  r.get('/kuji/:slug/verify', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const slug = String(req.params.slug);
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('Cache-Control', 'no-cache');
      const board = await findKujiBoard(deps, slug);
      if (!board) return void res.status(404).type('html').send(notFoundPage());
      const bundle = await verifierBundle();
      res.type('html').send(verifyPage(board, req.query, `/kuji/verifier.${bundle.hash}.js`));
    } catch (error) {
      next(error);
    }
  });
  return r;
}

const html200 = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' as const } } },
});

/** The verify page (its script bundle is an asset named by the page, not an operation). */
export const kujiVerifyPaths: PlainPaths = {
  '/kuji/{slug}/verify': {
    get: {
      operationId: 'public-kuji-verifyPage',
      tags: ['kuji'],
      summary: "Verify a kuji board in the browser: the fairness document checked by PopBox's open verifier",
      security: PUBLIC_SECURITY(),
      parameters: [
        { name: 'slug', in: 'path', required: true, schema: { type: 'string' } },
        {
          name: 'line',
          in: 'query',
          required: false,
          description: 'Prefill: a line reference (`ln_…`)',
          schema: { type: 'string' },
        },
        {
          name: 'position',
          in: 'query',
          required: false,
          description: 'Prefill: a ticket position',
          schema: { type: 'string' },
        },
        {
          name: 'prize',
          in: 'query',
          required: false,
          description: 'Prefill: a prize id',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: html200('HTML page; the verdict is computed in the browser'),
        404: html200('HTML page: no kuji board on sale with this slug'),
        ...errorResponses(['VALIDATION_FAILED', 'RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
};
