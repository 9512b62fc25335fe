import { html, layout } from '../html.js';
import type { OrderEmailData, RenderedEmail } from './order-email-data.js';
import { orderSummary } from './shop-notification.js';

/** F5: money arrived but the order could not be finalised safely; a person must look at it. */
export function shopAlertEmail(order: OrderEmailData, reason: string): RenderedEmail {
  const subject = `Action needed: order ${order.publicId} was paid but needs attention`;
  const summary = orderSummary(order);
  const body = html`<p><strong>This order was paid but could not be finalised automatically.</strong></p>
    <p>Reason: ${reason}</p>
    <p>Resolve it in the admin: retry the finalisation once stock is available again, or refund it.</p>
    ${summary.html}`;
  const text = [
    'This order was paid but could not be finalised automatically.',
    `Reason: ${reason}`,
    'Resolve it in the admin: retry the finalisation once stock is available again, or refund it.',
    '',
    summary.text,
  ].join('\n');
  return { subject, html: layout(subject, body), text };
}
