import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
import { rows } from '../shared/sql.js';
import type { CheckoutSession } from '../ports/payments.js';
import { slimSessionSnapshot } from '../payments/session.rules.js';

export interface AttachSessionInput {
  claimId: string;
  orderId: string;
  session: CheckoutSession;
  /** The answer stored with the key (201), for every retry. */
  answer: unknown;
  now: Date;
}

export interface AttachSessionOutcome {
  /** The key as it was when locked (after any concurrent finisher committed); undefined if it is gone. */
  key:
    { state: 'in_progress' | 'completed'; responseStatus: number | null; responseBody: unknown } | undefined;
  /** The order took the session (it was still pending and had no other session), with its payment. */
  attached: boolean;
}

interface OutcomeRow extends Record<string, unknown> {
  key_state: 'in_progress' | 'completed' | null;
  key_response_status: number | null;
  key_response_body: unknown;
  attached: boolean;
}

/**
 * After the provider opened the session: lock the key (whoever finishes it — this request, a retry resuming
 * it, the compensation — takes turns on it, key before order as everywhere), then, only while the key is
 * still in progress, give the pending order its session, record the session on the payment and store the
 * answer with the key. One call of `checkout_attach_session` (migration 0006), atomic on its own (issue 14:
 * it was a six-round-trip transaction). When the key was already finished, or the order is no longer
 * payable, nothing is written and the caller decides from the outcome.
 */
export async function attachSessionToOrder(
  db: Executor,
  input: AttachSessionInput,
): Promise<AttachSessionOutcome> {
  const { session } = input;
  const [row] = await rows<OutcomeRow>(
    db,
    sql`select * from public.checkout_attach_session(
      ${input.claimId}::uuid, ${input.orderId}::uuid, ${session.id}, ${session.paymentIntentId}::text,
      ${JSON.stringify(slimSessionSnapshot(session))}::jsonb, ${JSON.stringify(input.answer)}::jsonb,
      ${input.now.toISOString()}::timestamptz)`,
  );
  if (!row) throw new Error('checkout_attach_session returned no row');
  return {
    key: row.key_state
      ? {
          state: row.key_state,
          responseStatus: row.key_response_status,
          responseBody: row.key_response_body,
        }
      : undefined,
    attached: row.attached,
  };
}
