import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys, type Executor } from '@popbox/db';
import {
  IDEMPOTENCY_IN_FLIGHT_STALE_MS,
  IDEMPOTENCY_KEY_TTL_MS,
  IDEMPOTENCY_RETRY_AFTER_SECONDS,
} from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';

export type IdempotencyClaim =
  | { kind: 'claimed'; id: string }
  | { kind: 'completed'; status: number | null; body: unknown; resourceId: string | null };

interface ClaimInput {
  scope: string;
  key: string;
  fingerprint: string;
  now: Date;
  /**
   * After how long without renewal (`created_at` is the claim's or its last renewal's time) an `in_progress`
   * key belongs to a dead request and may be taken over; default IDEMPOTENCY_IN_FLIGHT_STALE_MS.
   */
  staleAfterMs?: number;
}

/**
 * F3. The key row is committed `in_progress` BEFORE the work starts (its own statement, outside the work's
 * transaction), so a concurrent duplicate sees it at once and gets 409 + Retry-After instead of doing the
 * work twice. Same key with another fingerprint → 422. A finished key returns what the first request stored.
 */
export async function claimIdempotencyKey(db: Executor, input: ClaimInput): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [inserted] = await db
      .insert(idempotencyKeys)
      .values({
        scope: input.scope,
        key: input.key,
        fingerprint: input.fingerprint,
        state: 'in_progress',
        expiresAt: new Date(input.now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
      })
      .onConflictDoNothing({ target: [idempotencyKeys.scope, idempotencyKeys.key] })
      .returning({ id: idempotencyKeys.id });
    if (inserted) return { kind: 'claimed', id: inserted.id };

    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, input.scope), eq(idempotencyKeys.key, input.key)));
    if (!row) continue; // abandoned between our insert and read: try again
    if (row.fingerprint !== input.fingerprint) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request',
      );
    }
    if (row.state === 'completed') {
      return {
        kind: 'completed',
        status: row.responseStatus,
        body: row.responseBody,
        resourceId: row.resourceId,
      };
    }
    // A request that crashed mid-way leaves its key in progress; once stale a retry may take it over.
    const staleSeconds = (input.staleAfterMs ?? IDEMPOTENCY_IN_FLIGHT_STALE_MS) / 1000;
    const [takenOver] = await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now()` })
      .where(
        and(
          eq(idempotencyKeys.id, row.id),
          eq(idempotencyKeys.state, 'in_progress'),
          sql`${idempotencyKeys.createdAt} < now() - make_interval(secs => ${staleSeconds})`,
        ),
      )
      .returning({ id: idempotencyKeys.id });
    if (takenOver) return { kind: 'claimed', id: takenOver.id };
    throw new DomainError(
      'IDEMPOTENCY_IN_FLIGHT',
      'A request with this Idempotency-Key is still in progress',
      {
        retryAfterSeconds: IDEMPOTENCY_RETRY_AFTER_SECONDS,
      },
    );
  }
  throw new DomainError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress', {
    retryAfterSeconds: IDEMPOTENCY_RETRY_AFTER_SECONDS,
  });
}

export async function completeIdempotencyKey(
  db: Executor,
  id: string,
  result: { status: number; body: unknown; resourceId: string | null; now: Date },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({
      state: 'completed',
      responseStatus: result.status,
      responseBody: result.body,
      resourceId: result.resourceId,
      completedAt: result.now,
    })
    .where(eq(idempotencyKeys.id, id));
}

/**
 * The request holding the key is alive: its lease starts again (database time, like the staleness test).
 * False when the key is no longer in progress (completed or freed).
 */
export async function renewIdempotencyKey(db: Executor, id: string): Promise<boolean> {
  const renewed = await db
    .update(idempotencyKeys)
    .set({ createdAt: sql`now()` })
    .where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.state, 'in_progress')))
    .returning({ id: idempotencyKeys.id });
  return renewed.length > 0;
}

/** Nothing happened (the work failed before committing anything): the key may be used again. */
export async function abandonIdempotencyKey(db: Executor, id: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.state, 'in_progress')));
}
