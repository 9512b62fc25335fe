import { html, layout } from '../html.js';
import type { RenderedEmail } from './order-email-data.js';

/** F8: a fresh link to the order page after staff revoked the earlier ones. */
export function accessLinkEmail(
  data: { publicId: string; firstName: string | null },
  orderUrl: string,
): RenderedEmail {
  const greeting = data.firstName ? `Hi ${data.firstName},` : 'Hi there,';
  const subject = `A new link to your PopBox Studio order ${data.publicId}`;
  const line = `Here is a new secure link to your order ${data.publicId}. Earlier links to this order no longer work.`;
  const body = html`<p>${greeting}</p>
    <p>${line}</p>
    <p>
      <a href="${orderUrl}">View your order</a> — keep this email: the link is your key to the order page.
    </p>`;
  const text = [greeting, '', line, '', `View your order: ${orderUrl}`].join('\n');
  return { subject, html: layout(subject, body), text };
}
