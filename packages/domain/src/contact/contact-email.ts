import { html, layout } from '../email/html.js';

export type InquiryType =
  'product-request' | 'order-support' | 'shipping-support' | 'ticket-support' | 'general';

export const INQUIRY_LABELS: Record<InquiryType, string> = {
  'product-request': 'Product/series request',
  'order-support': 'Order support',
  'shipping-support': 'Shipping support',
  'ticket-support': 'Kuji/ticket support',
  general: 'General inquiry',
};

export interface ContactMessage {
  firstName: string;
  lastName?: string | undefined;
  email: string;
  inquiryType: InquiryType;
  orderNumber?: string | undefined;
  requestedSeries?: string | undefined;
  message: string;
}

/** B17: subject = inquiry label + full name; every field in text and escaped HTML, blanks shown as a dash. */
export function renderContactEmail(m: ContactMessage) {
  const fullName = [m.firstName, m.lastName].filter(Boolean).join(' ');
  const dash = (v: string | undefined) => (v ? v : '—');
  const fields: [string, string][] = [
    ['Inquiry', INQUIRY_LABELS[m.inquiryType]],
    ['First name', m.firstName],
    ['Last name', dash(m.lastName)],
    ['Email', m.email],
    ['Order number', dash(m.orderNumber)],
    ['Requested series', dash(m.requestedSeries)],
  ];
  const subject = `${INQUIRY_LABELS[m.inquiryType]} — ${fullName}`;
  const text = [...fields.map(([k, v]) => `${k}: ${v}`), '', 'Message:', m.message].join('\n');
  const body = html`<table>
      ${fields.map(
        ([k, v]) =>
          html`<tr>
            <th align="left">${k}</th>
            <td>${v}</td>
          </tr>`,
      )}
    </table>
    <p><strong>Message</strong></p>
    <p style="white-space:pre-wrap">${m.message}</p>`;
  return { subject, text, html: layout(subject, body) };
}
