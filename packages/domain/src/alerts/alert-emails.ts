import type { AlertKind } from '@popbox/db';
import { html, layout } from '../email/html.js';

/** What a subscriber follows, as the emails name it. */
export interface AlertTarget {
  kind: AlertKind;
  /** Product name (back_in_stock, sale_starts) or series tag name (new_board). */
  name: string;
}

const FOLLOWS: Record<AlertKind, (name: string) => string> = {
  back_in_stock: (n) => `when ${n} is back in stock`,
  sale_starts: (n) => `when the ${n} drop starts`,
  new_board: (n) => `when a new ${n} board is announced`,
};

/** RFC 2369 + RFC 8058 one-click unsubscribe headers of every alert email. */
export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The double opt-in email: the only message an unconfirmed address ever receives. */
export function renderAlertConfirmationEmail(target: AlertTarget, confirmUrl: string) {
  const subject = `Confirm your PopBox alert: ${target.name}`;
  const what = FOLLOWS[target.kind](target.name);
  const text = [
    `Someone (hopefully you) asked PopBox Studio to email this address ${what}.`,
    '',
    `Confirm: ${confirmUrl}`,
    '',
    'If this was not you, ignore this email: nothing else will be sent.',
  ].join('\n');
  const body = html`<p>Someone (hopefully you) asked PopBox Studio to email this address ${what}.</p>
    <p><a href="${confirmUrl}">Confirm the alert</a></p>
    <p>If this was not you, ignore this email: nothing else will be sent.</p>`;
  return { subject, text, html: layout(subject, body) };
}

/** An alert: what happened, where to buy, and the one-click unsubscribe link. */
export function renderAlertEmail(
  event: { kind: AlertKind; productName: string; productUrl: string; seriesName?: string | null },
  unsubscribeUrl: string,
) {
  const subject =
    event.kind === 'back_in_stock'
      ? `Back in stock: ${event.productName}`
      : event.kind === 'sale_starts'
        ? `On sale now: ${event.productName}`
        : `New ${event.seriesName ?? ''} board: ${event.productName}`.replace('  ', ' ');
  const lead =
    event.kind === 'back_in_stock'
      ? `${event.productName} is back in stock. Quantities are limited.`
      : event.kind === 'sale_starts'
        ? `The ${event.productName} drop has started.`
        : `A new board was announced: ${event.productName}.`;
  const text = [lead, '', event.productUrl, '', `Unsubscribe from this alert: ${unsubscribeUrl}`].join('\n');
  const body = html`<p>${lead}</p>
    <p><a href="${event.productUrl}">See ${event.productName}</a></p>
    <p style="font-size:12px;color:#666"><a href="${unsubscribeUrl}">Unsubscribe from this alert</a></p>`;
  return { subject, text, html: layout(subject, body) };
}
