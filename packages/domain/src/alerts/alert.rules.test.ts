import { describe, expect, it } from 'vitest';
import {
  alertCap,
  isOneShot,
  isSeriesTagType,
  normaliseAlertEmail,
  saleStartsAlertable,
} from './alert.rules.js';
import {
  signConfirmToken,
  signUnsubscribeToken,
  verifyConfirmToken,
  verifyUnsubscribeToken,
  CONFIRM_TOKEN_LIFETIME_MS,
} from './alert-tokens.js';
import { signAccessToken } from '../orders/guest-tokens.js';
import { csvCell } from './alert-admin.js';
import { renderAlertEmail, unsubscribeHeaders } from './alert-emails.js';

const PEPPER = 'test-pepper-0123456789';
const now = new Date('2026-12-01T00:00:00Z');

describe('alert cap', () => {
  it('sizes a restock by its units, floored, and never above the configured maximum', () => {
    expect(alertCap({ kind: 'back_in_stock', units: 5 }, 200)).toBe(20);
    expect(alertCap({ kind: 'back_in_stock', units: 30 }, 200)).toBe(120);
    expect(alertCap({ kind: 'back_in_stock', units: 500 }, 200)).toBe(200);
    expect(alertCap({ kind: 'back_in_stock', units: 5 }, 10)).toBe(10);
  });
  it('uses the configured maximum for drops and new boards', () => {
    expect(alertCap({ kind: 'sale_starts', units: null }, 50)).toBe(50);
    expect(alertCap({ kind: 'new_board', units: null }, 50)).toBe(50);
  });
});

describe('alert rules', () => {
  it('keeps series follows, consumes one-shot alerts', () => {
    expect(isOneShot('back_in_stock')).toBe(true);
    expect(isOneShot('sale_starts')).toBe(true);
    expect(isOneShot('new_board')).toBe(false);
  });
  it('normalises addresses and series tag types', () => {
    expect(normaliseAlertEmail('  Fan@Example.COM ')).toBe('fan@example.com');
    expect(isSeriesTagType('Series')).toBe(true);
    expect(isSeriesTagType('category')).toBe(false);
  });
  it('sale_starts hook accepts active products only (until the windows work wires it)', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    const later = new Date('2026-12-06T12:00:00Z');
    expect(
      saleStartsAlertable({ status: 'active', preSaleVisibility: 'announced', salesStartAt: later }, now),
    ).toBe(true);
    expect(
      saleStartsAlertable({ status: 'draft', preSaleVisibility: 'announced', salesStartAt: later }, now),
    ).toBe(false);
    expect(
      saleStartsAlertable({ status: 'active', preSaleVisibility: 'hidden', salesStartAt: later }, now),
    ).toBe(false);
    expect(
      saleStartsAlertable({ status: 'active', preSaleVisibility: 'announced', salesStartAt: now }, now),
    ).toBe(false);
    expect(
      saleStartsAlertable({ status: 'active', preSaleVisibility: 'announced', salesStartAt: null }, now),
    ).toBe(false);
  });
});

describe('alert tokens', () => {
  it('confirm tokens verify until they expire, and not after', () => {
    const token = signConfirmToken(PEPPER, { subscriptionId: 's1', nonce: 'n1', now });
    expect(verifyConfirmToken(PEPPER, token, now)).toMatchObject({ sid: 's1', n: 'n1' });
    expect(verifyConfirmToken(PEPPER, token, new Date(now.getTime() + CONFIRM_TOKEN_LIFETIME_MS))).toBeNull();
  });
  it('rejects tampering, other peppers, and tokens of another kind', () => {
    const token = signConfirmToken(PEPPER, { subscriptionId: 's1', nonce: 'n1', now });
    const [segment, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ v: 'v1', kind: 'alert_confirm', sid: 's2', n: 'n1', exp: 9e15 }),
    ).toString('base64url');
    expect(verifyConfirmToken(PEPPER, `${forged}.${sig}`, now)).toBeNull();
    expect(verifyConfirmToken('another-pepper-0123456789', token, now)).toBeNull();
    expect(verifyUnsubscribeToken(PEPPER, token)).toBeNull();
    expect(verifyConfirmToken(PEPPER, signUnsubscribeToken(PEPPER, 's1'), now)).toBeNull();
    expect(segment.length).toBeGreaterThan(0);
    const orderToken = signAccessToken(PEPPER, { publicId: 'p', version: 1, now, lifetimeMs: 60_000 });
    expect(verifyUnsubscribeToken(PEPPER, orderToken)).toBeNull();
  });
  it('unsubscribe tokens do not expire', () => {
    expect(verifyUnsubscribeToken(PEPPER, signUnsubscribeToken(PEPPER, 's9'))).toMatchObject({ sid: 's9' });
  });
});

describe('alert export and emails', () => {
  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('a"b,c')).toBe('"a""b,c"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('""');
  });
  it('every alert email carries the unsubscribe link in its body and the one-click headers', () => {
    const url = 'http://api.test/api/v1/alerts/unsubscribe?token=a.b';
    const mail = renderAlertEmail(
      { kind: 'back_in_stock', productName: '<Miku>', productUrl: 'http://shop.test/products/miku' },
      url,
    );
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(url);
    expect(mail.html).toContain('&lt;Miku&gt;');
    expect(unsubscribeHeaders(url)).toEqual({
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});
