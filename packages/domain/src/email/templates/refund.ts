import { formatCents, html, layout } from '../html.js';
import type { RenderedEmail } from './order-email-data.js';

export interface RefundEmailData {
  publicId: string;
  firstName: string | null;
  amountCents: number;
  currency: string;
  /** After this refund the order is fully refunded. */
  full: boolean;
}

/** B18 refund: the amount, full vs partial wording, the order id and link. */
export function refundEmail(data: RefundEmailData, orderUrl: string): RenderedEmail {
  const greeting = data.firstName ? `Hi ${data.firstName},` : 'Hi there,';
  const amount = formatCents(data.amountCents, data.currency);
  const subject = data.full
    ? `Your PopBox Studio order ${data.publicId} was refunded`
    : `A partial refund for your PopBox Studio order ${data.publicId}`;
  const line = data.full
    ? `We have issued a full refund of ${amount} for your order ${data.publicId}.`
    : `We have issued a partial refund of ${amount} for your order ${data.publicId}.`;
  const note = 'Depending on your bank, it can take 5–10 business days to appear on your statement.';
  const body = html`<p>${greeting}</p>
    <p>${line}</p>
    <p>${note}</p>
    <p><a href="${orderUrl}">View your order</a></p>`;
  const text = [greeting, '', line, note, '', `View your order: ${orderUrl}`].join('\n');
  return { subject, html: layout(subject, body), text };
}
