import { formatCents } from '../email/html.js';
import { countsTowardRefunded } from './refund.rules.js';

/**
 * Issue 12 (7): what an admin may refund. Like Japanese kuji services (no cancellation once drawn), a kuji line
 * that reached the draw (logged, pending or dealt, revealed or not) is not refundable by default; the
 * refundable amount of an order is its standard lines, its shipping and its kuji lines that never reached the
 * draw (e.g. parked because the board could not cover them) or whose tickets are all voided already. Staff may
 * force a kuji refund with a reason. Pure module.
 */

/** Provider refund metadata key carrying the reason of a forced kuji refund (its presence = forced). */
export const FORCE_KUJI_METADATA_KEY = 'forceKujiRefund';

export const isForcedKujiRefund = (metadata: Record<string, unknown> | null | undefined) =>
  typeof metadata?.[FORCE_KUJI_METADATA_KEY] === 'string';

export type LineRefundability =
  /** A standard line: refundable. */
  | 'standard'
  /** A kuji line that never reached the draw: refundable. */
  | 'not_drawn'
  /** A kuji line whose tickets are all voided already: refundable. */
  | 'voided'
  /** A kuji line in the draw log whose tickets are dealt: refundable only when forced. */
  | 'drawn'
  /** A kuji line in the draw log with tickets still waiting for their beacon round: not refundable yet. */
  | 'draw_pending';

export interface OrderLineForRefund {
  orderItemId: string;
  name: string;
  productType: 'standard' | 'kuji';
  quantity: number;
  amountCents: number;
  /** kuji: the line's tickets (0 when it never reached the draw) and how many are pending / voided. */
  tickets: { total: number; pending: number; voided: number };
  /** kuji: whether the line has a `draw` entry in the board's log. */
  logged: boolean;
}

export interface RefundableInput {
  paymentAmountCents: number;
  shippingCents: number;
  lines: OrderLineForRefund[];
  /** The payment's refunds so far; `forced` = a forced kuji refund. */
  refunds: ReadonlyArray<{ status: string; amountCents: number; forced: boolean }>;
}

export interface RefundableLine {
  orderItemId: string;
  name: string;
  productType: 'standard' | 'kuji';
  quantity: number;
  amountCents: number;
  refundable: boolean;
  why: LineRefundability;
}

export interface RefundableSummary {
  paymentAmountCents: number;
  /** Σ non-failed refunds (pending ones included: the money may still leave). */
  refundedCents: number;
  /** What the payment has left: paymentAmountCents − refundedCents. */
  remainingCents: number;
  shippingCents: number;
  /** Standard lines + shipping + refundable kuji lines. */
  refundableCents: number;
  /** Σ non-failed refunds that were not forced: they used up the refundable amount. */
  refundedWithoutForceCents: number;
  /** What a refund without force may still take: min(remaining, refundable − refunded without force), ≥ 0. */
  availableCents: number;
  lines: RefundableLine[];
}

export function classifyLine(line: OrderLineForRefund): LineRefundability {
  if (line.productType === 'standard') return 'standard';
  if (line.tickets.total === 0) return line.logged ? 'draw_pending' : 'not_drawn';
  if (line.tickets.voided === line.tickets.total) return 'voided';
  return line.tickets.pending > 0 ? 'draw_pending' : 'drawn';
}

const REFUNDABLE: readonly LineRefundability[] = ['standard', 'not_drawn', 'voided'];

export function summariseRefundable(input: RefundableInput): RefundableSummary {
  const lines = input.lines.map((line) => {
    const why = classifyLine(line);
    return {
      orderItemId: line.orderItemId,
      name: line.name,
      productType: line.productType,
      quantity: line.quantity,
      amountCents: line.amountCents,
      refundable: REFUNDABLE.includes(why),
      why,
    };
  });
  const live = input.refunds.filter((r) => countsTowardRefunded(r.status));
  const refundedCents = live.reduce((sum, r) => sum + r.amountCents, 0);
  const refundedWithoutForceCents = live.filter((r) => !r.forced).reduce((sum, r) => sum + r.amountCents, 0);
  const refundableCents =
    input.shippingCents + lines.filter((l) => l.refundable).reduce((sum, l) => sum + l.amountCents, 0);
  const remainingCents = input.paymentAmountCents - refundedCents;
  return {
    paymentAmountCents: input.paymentAmountCents,
    refundedCents,
    remainingCents,
    shippingCents: input.shippingCents,
    refundableCents,
    refundedWithoutForceCents,
    availableCents: Math.max(0, Math.min(remainingCents, refundableCents - refundedWithoutForceCents)),
    lines,
  };
}

export type RefundDecision =
  | { ok: true; amountCents: number }
  | {
      ok: false;
      code: 'REFUND_NOT_ALLOWED' | 'REFUND_EXCEEDS_REFUNDABLE';
      message: string;
      details: Record<string, unknown>;
    };

const lineLabel = (l: RefundableLine) => `${l.name} ×${l.quantity} (${formatCents(l.amountCents)})`;

function listing(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Numbers a client needs to explain a refusal (REFUND_EXCEEDS_REFUNDABLE details). */
function refusalDetails(summary: RefundableSummary, requestedCents: number) {
  return {
    requestedCents,
    availableCents: summary.availableCents,
    remainingCents: summary.remainingCents,
    refundableCents: summary.refundableCents,
    refundedCents: summary.refundedCents,
    refundedWithoutForceCents: summary.refundedWithoutForceCents,
    shippingCents: summary.shippingCents,
    lines: summary.lines.map((l) => ({
      orderItemId: l.orderItemId,
      name: l.name,
      productType: l.productType,
      quantity: l.quantity,
      amountCents: l.amountCents,
      refundable: l.refundable,
      why: l.why,
    })),
  };
}

/** The sentence saying exactly what can be refunded without force, and why the rest cannot. */
export function refundableMessage(summary: RefundableSummary): string {
  const parts = summary.lines.filter((l) => l.refundable).map(lineLabel);
  if (summary.shippingCents > 0) parts.push(`shipping (${formatCents(summary.shippingCents)})`);
  const already =
    summary.refundedWithoutForceCents > 0
      ? `, less ${formatCents(summary.refundedWithoutForceCents)} already refunded`
      : '';
  const head = parts.length
    ? `Only ${formatCents(summary.availableCents)} of this order can be refunded: ${listing(parts)}${already}.`
    : `Nothing of this order can be refunded without forcing a kuji refund.`;
  const drawn = summary.lines.filter((l) => l.why === 'drawn' || l.why === 'draw_pending');
  const tail = drawn.length
    ? ` Kuji draws are not refundable once drawn (${listing(drawn.map(lineLabel))}); staff may force a kuji refund with a reason.`
    : '';
  return head + tail;
}

/**
 * The amount of a refund request, or why it is refused. Without force: at most `availableCents` (omitted →
 * all of it). Forced (a reason was given): at most what the payment has left (omitted → all of it), only when
 * the order has a drawn kuji line and none of its draws is still pending.
 */
export function decideRefundAmount(
  summary: RefundableSummary,
  requestedCents: number | null,
  forced: boolean,
): RefundDecision {
  if (summary.remainingCents <= 0) {
    return {
      ok: false,
      code: 'REFUND_NOT_ALLOWED',
      message: 'Nothing is left to refund',
      details: { remainingCents: 0 },
    };
  }
  if (forced) {
    const pending = summary.lines.filter((l) => l.why === 'draw_pending');
    if (pending.length) {
      return {
        ok: false,
        code: 'REFUND_NOT_ALLOWED',
        message: `The kuji draws of ${listing(pending.map(lineLabel))} are not dealt yet; a forced kuji refund is possible once they are (a few seconds)`,
        details: { reason: 'kuji_draw_pending', orderItemIds: pending.map((l) => l.orderItemId) },
      };
    }
    if (!summary.lines.some((l) => l.why === 'drawn')) {
      return {
        ok: false,
        code: 'REFUND_NOT_ALLOWED',
        message: 'This order has no drawn kuji line: refund it without forcing',
        details: { reason: 'nothing_to_force', field: 'forceKujiRefund' },
      };
    }
    const amount = requestedCents ?? summary.remainingCents;
    if (amount > summary.remainingCents) {
      return {
        ok: false,
        code: 'REFUND_NOT_ALLOWED',
        message: 'The amount exceeds what is left to refund',
        details: { remainingCents: summary.remainingCents, requestedCents: amount },
      };
    }
    return { ok: true, amountCents: amount };
  }
  const limited = summary.availableCents < summary.remainingCents;
  const amount = requestedCents ?? summary.availableCents;
  if (amount > summary.availableCents || amount <= 0) {
    if (!limited) {
      return {
        ok: false,
        code: 'REFUND_NOT_ALLOWED',
        message: 'The amount exceeds what is left to refund',
        details: { remainingCents: summary.remainingCents, requestedCents: amount },
      };
    }
    return {
      ok: false,
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      message: refundableMessage(summary),
      details: refusalDetails(summary, amount),
    };
  }
  return { ok: true, amountCents: amount };
}
