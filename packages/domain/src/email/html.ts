/** Escapes a dynamic value for HTML (security rule 13): & < > " ' — URLs included. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Tagged template that escapes every interpolated value; nest `raw()` for trusted fragments. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => (v instanceof RawHtml ? v.value : escapeHtml(v))).join('')
      : value instanceof RawHtml
        ? value.value
        : escapeHtml(value);
    out += part + (strings[i + 1] ?? '');
  });
  return new RawHtml(out);
}

export class RawHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export const raw = (value: string) => new RawHtml(value);

/** en-CA currency, e.g. "$1,234.50" (B18). */
export function formatCents(cents: number, currency = 'CAD'): string {
  return new Intl.NumberFormat('en-CA', { style: 'currency', currency }).format(cents / 100);
}

/** Dates in the shop's time zone (B18). */
export function formatShopDate(date: Date | string | null | undefined): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat('en-CA', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'America/Edmonton',
  }).format(new Date(date));
}

/** The shared frame of every email. */
export function layout(title: string, body: RawHtml): string {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body
        style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:560px;margin:0 auto;padding:24px"
      >
        ${body}
        <p style="color:#888;font-size:12px;margin-top:32px">PopBox Studio</p>
      </body>
    </html>`.value;
}
