import { describe, expect, it } from 'vitest';
import {
  classifyLine,
  decideRefundAmount,
  isForcedKujiRefund,
  summariseRefundable,
  type OrderLineForRefund,
} from './refundable.rules.js';

const stickers: OrderLineForRefund = {
  orderItemId: 'i-std',
  name: 'Sticker sheet',
  productType: 'standard',
  quantity: 2,
  amountCents: 800,
  tickets: { total: 0, pending: 0, voided: 0 },
  logged: false,
};
const kuji = (tickets: OrderLineForRefund['tickets'], logged = tickets.total > 0): OrderLineForRefund => ({
  orderItemId: 'i-kuji',
  name: 'Hero Board',
  productType: 'kuji',
  quantity: 3,
  amountCents: 4500,
  tickets,
  logged,
});
const dealt = kuji({ total: 3, pending: 0, voided: 0 });
// 800 + 4500 + 1200 shipping
const mixed = (
  lines = [stickers, dealt],
  refunds: Array<{ status: string; amountCents: number; forced: boolean }> = [],
) => summariseRefundable({ paymentAmountCents: 6500, shippingCents: 1200, lines, refunds });

describe('refundable lines (issue 12: no cancellation once drawn)', () => {
  it('classifies standard, undrawn, voided, dealt and pending lines', () => {
    expect(classifyLine(stickers)).toBe('standard');
    expect(classifyLine(kuji({ total: 0, pending: 0, voided: 0 }, false))).toBe('not_drawn');
    expect(classifyLine(kuji({ total: 0, pending: 0, voided: 0 }, true))).toBe('draw_pending');
    expect(classifyLine(kuji({ total: 3, pending: 0, voided: 3 }))).toBe('voided');
    expect(classifyLine(kuji({ total: 3, pending: 0, voided: 1 }))).toBe('drawn');
    expect(classifyLine(kuji({ total: 3, pending: 2, voided: 0 }))).toBe('draw_pending');
  });

  it('refunds the standard line and shipping of a mixed order, not the drawn kuji line', () => {
    const s = mixed();
    expect(s).toMatchObject({ refundableCents: 2000, availableCents: 2000, remainingCents: 6500 });
    expect(decideRefundAmount(s, null, false)).toEqual({ ok: true, amountCents: 2000 });
    expect(decideRefundAmount(s, 800, false)).toEqual({ ok: true, amountCents: 800 });
    const refused = decideRefundAmount(s, 2001, false);
    expect(refused).toMatchObject({
      ok: false,
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      details: { requestedCents: 2001, availableCents: 2000, refundableCents: 2000, remainingCents: 6500 },
    });
    if (refused.ok) throw new Error('unreachable');
    expect(refused.message).toBe(
      'Only $20.00 of this order can be refunded: Sticker sheet ×2 ($8.00) and shipping ($12.00). ' +
        'Kuji draws are not refundable once drawn (Hero Board ×3 ($45.00)); staff may force a kuji refund with a reason.',
    );
    expect((refused.details.lines as Array<{ why: string }>).map((l) => l.why)).toEqual([
      'standard',
      'drawn',
    ]);
  });

  it('counts a kuji line that never reached the draw (parked order) as refundable', () => {
    const s = mixed([stickers, kuji({ total: 0, pending: 0, voided: 0 }, false)]);
    expect(s.availableCents).toBe(6500);
    expect(decideRefundAmount(s, null, false)).toEqual({ ok: true, amountCents: 6500 });
  });

  it('uses up the refundable amount with earlier unforced refunds, failed ones excepted', () => {
    const s = mixed(undefined, [
      { status: 'succeeded', amountCents: 800, forced: false },
      { status: 'pending', amountCents: 200, forced: false },
      { status: 'failed', amountCents: 999, forced: false },
    ]);
    expect(s).toMatchObject({ refundedCents: 1000, availableCents: 1000, remainingCents: 5500 });
    const refused = decideRefundAmount(s, 1001, false);
    expect(refused).toMatchObject({ ok: false, code: 'REFUND_EXCEEDS_REFUNDABLE' });
    if (refused.ok) throw new Error('unreachable');
    expect(refused.message).toContain('less $10.00 already refunded');
  });

  it('a kuji-only order has only its shipping to refund without force', () => {
    const s = mixed([dealt]);
    expect(decideRefundAmount(s, null, false)).toEqual({ ok: true, amountCents: 1200 });
    const after = mixed([dealt], [{ status: 'succeeded', amountCents: 1200, forced: false }]);
    const refused = decideRefundAmount(after, null, false);
    expect(refused).toMatchObject({
      ok: false,
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      details: { availableCents: 0 },
    });
  });

  it('keeps the old answer for standard orders: beyond the remainder is REFUND_NOT_ALLOWED', () => {
    const standard = (refunds: Array<{ status: string; amountCents: number; forced: boolean }>) =>
      summariseRefundable({ paymentAmountCents: 2000, shippingCents: 1200, lines: [stickers], refunds });
    const s = standard([{ status: 'succeeded', amountCents: 1500, forced: false }]);
    expect(decideRefundAmount(s, 600, false)).toMatchObject({
      ok: false,
      code: 'REFUND_NOT_ALLOWED',
      details: { remainingCents: 500 },
    });
    const done = standard([{ status: 'succeeded', amountCents: 2000, forced: false }]);
    expect(decideRefundAmount(done, null, false)).toMatchObject({ ok: false, code: 'REFUND_NOT_ALLOWED' });
  });

  it('forced: up to what the payment has left, once the draws are dealt', () => {
    expect(decideRefundAmount(mixed(), null, true)).toEqual({ ok: true, amountCents: 6500 });
    expect(decideRefundAmount(mixed(), 4500, true)).toEqual({ ok: true, amountCents: 4500 });
    expect(decideRefundAmount(mixed(), 6501, true)).toMatchObject({ ok: false, code: 'REFUND_NOT_ALLOWED' });
    const pending = mixed([stickers, kuji({ total: 3, pending: 3, voided: 0 })]);
    expect(decideRefundAmount(pending, null, true)).toMatchObject({
      ok: false,
      code: 'REFUND_NOT_ALLOWED',
      details: { reason: 'kuji_draw_pending' },
    });
    expect(decideRefundAmount(mixed([stickers]), null, true)).toMatchObject({
      ok: false,
      details: { reason: 'nothing_to_force' },
    });
  });

  it('does not charge forced refunds against the refundable amount', () => {
    const s = mixed(undefined, [{ status: 'succeeded', amountCents: 4500, forced: true }]);
    expect(s).toMatchObject({ refundedWithoutForceCents: 0, availableCents: 2000, remainingCents: 2000 });
  });

  it('recognises a forced refund by its provider metadata', () => {
    expect(isForcedKujiRefund({ forceKujiRefund: 'damaged' })).toBe(true);
    expect(isForcedKujiRefund({ reason: 'x' })).toBe(false);
    expect(isForcedKujiRefund(null)).toBe(false);
  });
});
