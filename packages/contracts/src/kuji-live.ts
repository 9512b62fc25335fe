import { z } from 'zod';
import { ZIsoDateTime, ZUuid } from './common.js';

/**
 * tRPC subscription `public.kuji.live`. `lastEventId` (the last version received) is filled in by
 * httpSubscriptionLink when it reconnects: the current state is then sent only if it changed since.
 */
export const ZKujiLiveInput = z.strictObject({
  slug: z.string().min(1).max(220),
  lastEventId: z.string().max(40).nullish(),
});

/** A board's live state (issue 12): what `GET /kuji/{slug}/live` and `public.kuji.live` push. */
export const ZKujiLiveState = z.object({
  version: z.int(),
  productId: ZUuid,
  slug: z.string(),
  tiers: z.array(z.object({ tier: z.string(), remaining: z.int(), initial: z.int() })),
  totalCards: z.int(),
  dealtCards: z.int(),
  pendingCards: z.int(),
  remainingCards: z.int(),
  pendingRounds: z.array(z.int()),
  recentRounds: z.array(z.object({ round: z.int(), lines: z.int(), cards: z.int(), dealtAt: ZIsoDateTime })),
  lastOne: z.object({ awarded: z.boolean(), lineRef: z.string().nullable() }).nullable(),
});
export type KujiLiveStateView = z.infer<typeof ZKujiLiveState>;
