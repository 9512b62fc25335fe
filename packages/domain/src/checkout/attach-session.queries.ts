import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';
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
  key: { state: 'in_progress' | 'completed'; responseStatus: number | null; responseBody: unknown } | undefined;
  /** The order took the session (it was still pending and had no other session), with its payment. */
  attached: boolean;
}

interface OutcomeRow extends Record<string, unknown> {
  state: 'in_progress' | 'completed' | null;
  response_status: number | null;
  response_body: unknown;
  attached: number;
}

/**
 * After the provider opened the session: lock the key (whoever finishes it — this request, a retry resuming
 * it, the compensation — takes turns on it, key before order as everywhere), then, only while the key is
 * still in progress, give the pending order its session, record the session on the payment and store the
 * answer with the key. ONE statement, atomic on its own (issue 14: it was a six-round-trip transaction).
 * When the key was already finished, or the order is no longer payable, nothing is written and the caller
 * decides from the outcome.
 */
export async function attachSessionToOrder(
  db: Executor,
  input: AttachSessionInput,
): Promise<AttachSessionOutcome> {
  const { session } = input;
  const result = await db.execute<OutcomeRow>(sql`
    with k as (
      select id, state, response_status, response_body from idempotency_keys
       where id = ${input.claimId} for update),
    o as (
      update orders set stripe_checkout_session_id = ${session.id}
       where id = ${input.orderId} and status = 'pending_payment'
         and (stripe_checkout_session_id is null or stripe_checkout_session_id = ${session.id})
         and not exists (select 1 from k where k.state <> 'in_progress')
      returning id),
    p as (
      update payments set provider_checkout_session_id = ${session.id},
                          provider_payment_intent_id = ${session.paymentIntentId},
                          raw_response = ${JSON.stringify(slimSessionSnapshot(session))}::jsonb
       where order_id in (select id from o)),
    c as (
      update idempotency_keys set state = 'completed', response_status = 201,
                                  response_body = ${JSON.stringify(input.answer)}::jsonb,
                                  resource_id = ${input.orderId},
                                  completed_at = ${input.now.toISOString()}::timestamptz
       where id in (select id from k where k.state = 'in_progress') and exists (select 1 from o))
    select k.state, k.response_status, k.response_body, (select count(*) from o)::int as attached
      from (values (1)) as one (x) left join k on true`);
  const row = result.rows[0]!;
  return {
    key: row.state
      ? { state: row.state, responseStatus: row.response_status, responseBody: row.response_body }
      : undefined,
    attached: row.attached > 0,
  };
}
