import { formatCents, formatShopDate, html, layout } from '../html.js';
import { oneLineAddress, type OrderEmailData, type RenderedEmail } from './order-email-data.js';

function facts(order: OrderEmailData): Array<[string, string]> {
  return [
    ['Order', `${order.publicId} (${order.orderId})`],
    ['Status', order.status],
    ['Paid', formatShopDate(order.paidAt)],
    ['Placed', formatShopDate(order.placedAt)],
    ['Customer', `${order.customer.fullName ?? '—'} <${order.customer.email ?? '—'}>`],
    ['Total', formatCents(order.totalCents, order.currency)],
    ['Ship to', oneLineAddress(order.shippingAddress)],
  ];
}

/** Shared body of the shop's order emails: facts table and item list. */
export function orderSummary(order: OrderEmailData) {
  const rows = facts(order).map(
    ([k, v]) =>
      html`<tr>
        <th style="text-align:left;padding-right:12px">${k}</th>
        <td>${v}</td>
      </tr>`,
  );
  const items = order.items.map(
    (i) => html`<li>${i.name} × ${i.quantity} — ${formatCents(i.lineTotalCents, order.currency)}</li>`,
  );
  const htmlPart = html`<table>
      ${rows}
    </table>
    <ul>
      ${items}
    </ul>`;
  const text = [
    ...facts(order).map(([k, v]) => `${k}: ${v}`),
    '',
    ...order.items.map(
      (i) => `- ${i.name} × ${i.quantity}: ${formatCents(i.lineTotalCents, order.currency)}`,
    ),
  ].join('\n');
  return { html: htmlPart, text };
}

/** B18 shop notification: a new paid order. */
export function shopNotificationEmail(order: OrderEmailData): RenderedEmail {
  const subject = `New order ${order.publicId} — ${formatCents(order.totalCents, order.currency)}`;
  const summary = orderSummary(order);
  const body = html`<p>A new order was paid.</p>
    ${summary.html}`;
  return { subject, html: layout(subject, body), text: `A new order was paid.\n\n${summary.text}` };
}
