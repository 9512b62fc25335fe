import { html, layout } from '../html.js';
import type { RenderedEmail } from './order-email-data.js';

export interface ShipmentEmailData {
  publicId: string;
  firstName: string | null;
  carrierName: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

/**
 * B18 shipped / shipment updated: the carrier & tracking block appears only when a tracking number or URL
 * exists (the URL as a link), then the order link. Every value is escaped, URLs included.
 */
export function shipmentEmail(
  kind: 'shipped' | 'shipment_updated',
  data: ShipmentEmailData,
  orderUrl: string,
): RenderedEmail {
  const updated = kind === 'shipment_updated';
  const greeting = data.firstName ? `Hi ${data.firstName},` : 'Hi there,';
  const subject = updated
    ? `Tracking updated for your PopBox Studio order ${data.publicId}`
    : `Your PopBox Studio order ${data.publicId} has shipped`;
  const intro = updated
    ? `The shipping details of your order ${data.publicId} were updated.`
    : `Good news: your order ${data.publicId} is on its way.`;
  const hasTracking = !!(data.trackingNumber || data.trackingUrl);
  const trackingLines = hasTracking
    ? [
        `Carrier: ${data.carrierName ?? '—'}`,
        ...(data.trackingNumber ? [`Tracking number: ${data.trackingNumber}`] : []),
        ...(data.trackingUrl ? [`Track your parcel: ${data.trackingUrl}`] : []),
      ]
    : [];
  const trackingBlock = hasTracking
    ? html`<p>
        Carrier: ${data.carrierName ?? '—'}<br />
        ${data.trackingNumber ? html`Tracking number: <strong>${data.trackingNumber}</strong><br />` : ''}
        ${data.trackingUrl ? html`<a href="${data.trackingUrl}">Track your parcel</a>` : ''}
      </p>`
    : '';
  const body = html`<p>${greeting}</p>
    <p>${intro}</p>
    ${trackingBlock}
    <p><a href="${orderUrl}">View your order</a></p>`;
  const text = [
    greeting,
    '',
    intro,
    '',
    ...trackingLines,
    ...(hasTracking ? [''] : []),
    `View your order: ${orderUrl}`,
  ].join('\n');
  return { subject, html: layout(subject, body), text };
}
