import { html, layout } from '../html.js';
import type { OrderEmailData, RenderedEmail } from './order-email-data.js';

/**
 * Issue 13: to the buyer of a paid order that broke a purchase cap, when the shop refunds such orders
 * automatically: which limit, and that the whole payment comes back (the refund email follows).
 */
export function purchaseLimitEmail(order: OrderEmailData, limits: string[]): RenderedEmail {
  const greeting = order.customer.firstName ? `Hi ${order.customer.firstName},` : 'Hi there,';
  const subject = `Your PopBox Studio order ${order.publicId} could not be accepted`;
  const line =
    'This drop has a purchase limit per customer, and your order went over it (counted by email, card ' +
    'and shipping address across your orders):';
  const refund =
    'We are refunding your payment in full; you will get a separate email once the refund is issued. ' +
    'Nothing will ship for this order.';
  const body = html`<p>${greeting}</p>
    <p>${line}</p>
    <ul>
      ${limits.map((l) => html`<li>${l}</li>`)}
    </ul>
    <p>${refund}</p>`;
  const text = [greeting, '', line, ...limits.map((l) => `- ${l}`), '', refund].join('\n');
  return { subject, html: layout(subject, body), text };
}
