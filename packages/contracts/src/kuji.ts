import { z } from 'zod';
import { ZIsoDateTime, ZUuid } from './common.js';
import { ZTicketView } from './orders.js';

export const ZTicketCollection = z.object({
  tickets: z.array(ZTicketView),
  revealed: z.array(ZTicketView),
  unrevealed: z.array(ZTicketView),
  counts: z.object({ total: z.int(), revealed: z.int(), unrevealed: z.int() }),
});

export const ZRevealTicketInput = z.strictObject({ publicId: z.string().min(1).max(40), ticketId: ZUuid });

export const ZManifestEntry = z.object({
  prizeId: ZUuid,
  code: z.string(),
  tier: z.string(),
  count: z.int(),
});

export const ZKujiFairnessInput = z.strictObject({ slug: z.string().min(1).max(220) });
export const ZKujiFairness = z.object({
  productId: ZUuid,
  slug: z.string(),
  name: z.string(),
  totalCards: z.int(),
  dealtCards: z.int(),
  remainingCards: z.int(),
  tiers: z.array(z.object({ tier: z.string(), remaining: z.int(), initial: z.int() })),
  lastOne: z.object({ prizeCode: z.string(), name: z.string(), awarded: z.boolean() }).nullable(),
  recipe: z.object({ version: z.string(), description: z.string() }),
  epochs: z.array(
    z.object({
      epoch: z.int(),
      firstPosition: z.int(),
      cardCount: z.int(),
      recipeVersion: z.string(),
      commitment: z.string(),
      manifest: z.array(ZManifestEntry),
      seedHex: z.string().nullable(),
      revealedAt: ZIsoDateTime.nullable(),
      createdAt: ZIsoDateTime,
      dealt: z.array(z.object({ position: z.int(), prizeId: ZUuid, prizeCode: z.string() })),
    }),
  ),
});
