import { Router } from 'express';
import { escapeHtml, html, listDevMailbox, raw, type Deps } from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { errorResponses } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';

const PAGE_LIMIT = 100;
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data: http: https:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

type MailboxMessage = Awaited<ReturnType<typeof listDevMailbox>>[number];

/**
 * The dev mailbox (embedded default, architecture.md): every email the jobs app delivered through the
 * dev-mailbox adapter, newest first. Mounted only when that adapter is the configured sender. Each email's
 * HTML is shown in a sandboxed iframe (no scripts, no same-origin), passed escaped through `srcdoc`.
 */
export function devMailboxRouter(deps: Pick<Deps, 'db'>): Router {
  const r = Router();
  r.get('/dev/mailbox.json', async (_req, res) => {
    res.json({ items: await listDevMailbox(deps, { limit: PAGE_LIMIT }) });
  });
  r.get('/dev/mailbox', async (_req, res) => {
    const messages = await listDevMailbox(deps, { limit: PAGE_LIMIT });
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(renderMailbox(messages));
  });
  return r;
}

function renderMailbox(messages: MailboxMessage[]): string {
  const body = messages.length
    ? messages.map((m, i) => renderMessage(m, i === 0))
    : [html`<p class="empty">No email delivered yet. Messages appear here once the jobs app sends them.</p>`];
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Dev mailbox · PopBox Studio</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 0;
            background: #f4f4f6;
            color: #222;
          }
          header {
            background: #222;
            color: #fff;
            padding: 12px 24px;
          }
          header h1 {
            font-size: 18px;
            margin: 0;
          }
          header p {
            margin: 4px 0 0;
            font-size: 13px;
            color: #ccc;
          }
          main {
            max-width: 960px;
            margin: 0 auto;
            padding: 16px;
          }
          article {
            background: #fff;
            border-radius: 8px;
            margin-bottom: 16px;
            box-shadow: 0 1px 3px #0002;
          }
          summary {
            cursor: pointer;
            padding: 12px 16px;
            list-style: none;
          }
          summary h2 {
            font-size: 16px;
            margin: 0 0 4px;
          }
          dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 2px 12px;
            margin: 0;
            font-size: 13px;
            color: #555;
          }
          dt {
            font-weight: 600;
          }
          dd {
            margin: 0;
            word-break: break-all;
          }
          .content {
            padding: 0 16px 16px;
          }
          iframe {
            width: 100%;
            height: 480px;
            border: 1px solid #ddd;
            border-radius: 4px;
            background: #fff;
          }
          pre {
            white-space: pre-wrap;
            background: #fafafa;
            border: 1px solid #eee;
            padding: 12px;
            font-size: 13px;
          }
          .kind {
            display: inline-block;
            background: #eef;
            color: #336;
            border-radius: 4px;
            padding: 0 6px;
            font-size: 12px;
          }
          .empty {
            color: #666;
          }
        </style>
      </head>
      <body>
        <header>
          <h1>Dev mailbox</h1>
          <p>${messages.length} delivered email(s), newest first · JSON at /dev/mailbox.json</p>
        </header>
        <main>${body}</main>
      </body>
    </html>`.value;
}

function renderMessage(m: MailboxMessage, open: boolean) {
  return html`<article id="${`email-${m.id}`}">
  <details${raw(open ? ' open' : '')}>
    <summary>
      <h2>${m.subject}</h2>
      <dl>
        <dt>To</dt><dd>${m.to}</dd>
        ${
          m.replyTo
            ? html`<dt>Reply-To</dt>
                <dd>${m.replyTo}</dd>`
            : raw('')
        }
        <dt>Kind</dt><dd><span class="kind">${m.kind}</span></dd>
        <dt>Sent</dt><dd>${m.sentAt ?? '—'}</dd>
        ${
          m.orderId
            ? html`<dt>Order</dt>
                <dd>${m.orderId}</dd>`
            : raw('')
        }
      </dl>
    </summary>
    <div class="content">
      <iframe sandbox="" title="${`HTML of ${m.subject}`}" srcdoc="${raw(escapeHtml(m.html))}"></iframe>
      <details><summary>Plain text</summary><pre>${m.text}</pre></details>
    </div>
  </details>
</article>`;
}

const json = (schema: object) => ({ 'application/json': { schema } });

export const devMailboxPaths: PlainPaths = {
  '/dev/mailbox': {
    get: {
      operationId: 'dev-mailbox-page',
      tags: ['dev'],
      security: PUBLIC_SECURITY(),
      summary: 'Dev mailbox page: emails delivered by the dev-mailbox adapter (development only)',
      responses: {
        200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errorResponses(['RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
  '/dev/mailbox.json': {
    get: {
      operationId: 'dev-mailbox-list',
      tags: ['dev'],
      security: PUBLIC_SECURITY(),
      summary: 'Dev mailbox as JSON (development only)',
      responses: {
        200: {
          description: 'Delivered emails, newest first',
          content: json({
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string', format: 'uuid' },
                    kind: { type: 'string' },
                    to: { type: 'string' },
                    replyTo: { type: ['string', 'null'] },
                    subject: { type: 'string' },
                    html: { type: 'string' },
                    text: { type: 'string' },
                    orderId: { type: ['string', 'null'] },
                    sentAt: { type: ['string', 'null'], format: 'date-time' },
                  },
                },
              },
            },
            required: ['items'],
          }),
        },
        ...errorResponses(['RATE_LIMITED', 'INTERNAL']),
      },
    },
  },
};
