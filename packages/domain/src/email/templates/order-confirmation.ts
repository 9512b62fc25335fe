import { formatCents, html, layout } from '../html.js';
import type { OrderEmailData, RenderedEmail } from './order-email-data.js';

/** B18 order confirmation: greeting, secure order link, public id, "all sales final". */
export function orderConfirmationEmail(order: OrderEmailData, orderUrl: string): RenderedEmail {
  const greeting = order.customer.firstName ? `Hi ${order.customer.firstName},` : 'Hi there,';
  const subject = `Your PopBox Studio order ${order.publicId} is confirmed`;
  const rows = order.items.map(
    (i) =>
      html`<tr>
        <td>${i.name}</td>
        <td style="text-align:right">× ${i.quantity}</td>
        <td style="text-align:right">${formatCents(i.lineTotalCents, order.currency)}</td>
      </tr>`,
  );
  const body = html`<p>${greeting}</p>
    <p>Thank you for your order <strong>${order.publicId}</strong>. We have received your payment.</p>
    <table style="width:100%;border-collapse:collapse">
      ${rows}
    </table>
    <p><strong>Total: ${formatCents(order.totalCents, order.currency)}</strong></p>
    <p>
      <a href="${orderUrl}">View your order</a> — keep this email: the link is your key to the order page.
    </p>
    <p style="color:#666">Please note: all sales are final.</p>`;
  const text = [
    greeting,
    '',
    `Thank you for your order ${order.publicId}. We have received your payment.`,
    '',
    ...order.items.map(
      (i) => `- ${i.name} × ${i.quantity}: ${formatCents(i.lineTotalCents, order.currency)}`,
    ),
    `Total: ${formatCents(order.totalCents, order.currency)}`,
    '',
    `View your order: ${orderUrl}`,
    '',
    'Please note: all sales are final.',
  ].join('\n');
  return { subject, html: layout(subject, body), text };
}
