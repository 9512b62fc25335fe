import { describe, expect, it } from 'vitest';
import { escapeHtml, formatCents, html, raw } from './html.js';

describe('email HTML', () => {
  it('escapes every dynamic value, including quotes in URLs', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const link = `https://x.test/?a=1&b="><script>`;
    expect(html`<a href="${link}">${'<b>'}</a>${raw('<br>')}`.value).toBe(
      '<a href="https://x.test/?a=1&amp;b=&quot;&gt;&lt;script&gt;">&lt;b&gt;</a><br>',
    );
  });

  it('formats amounts as en-CA dollars', () => {
    expect(formatCents(123450)).toBe('$1,234.50');
  });
});
