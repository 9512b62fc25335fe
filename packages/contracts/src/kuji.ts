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
const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const ZKujiFairness = z.object({
  productId: ZUuid,
  slug: z.string(),
  name: z.string(),
  recipe: z.object({ version: z.string(), description: z.string() }),
  totalCards: z.int(),
  dealtCards: z.int().meta({ description: 'Cards dealt to paid lines' }),
  pendingCards: z.int().meta({ description: 'Cards paid for whose line waits for its beacon round' }),
  remainingCards: z.int().meta({ description: 'Cards still for sale' }),
  tiers: z.array(z.object({ tier: z.string(), remaining: z.int(), initial: z.int() })),
  lastOne: z
    .object({
      prizeCode: z.string(),
      name: z.string(),
      awarded: z.boolean(),
      lineRef: z.string().nullable().meta({ description: 'The draw-log line that won it' }),
    })
    .nullable(),
  beacon: z.object({
    chains: z.array(
      z.object({
        hash: z.string(),
        scheme: z.string(),
        publicKey: z.string(),
        periodSeconds: z.int(),
        genesisTime: z.int(),
        label: z.string(),
      }),
    ),
  }),
  epochs: z.array(
    z.object({
      epoch: z.int(),
      recipeVersion: z.string(),
      firstPosition: z.int(),
      cardCount: z.int(),
      commitment: z.string(),
      manifest: z.array(ZManifestEntry),
      lastOne: z.object({ prizeId: ZUuid, code: z.string(), count: z.int() }).nullable(),
      changes: z.array(z.object({ prizeId: ZUuid, code: z.string(), before: z.int(), after: z.int() })),
      beaconChainHash: z.string().nullable(),
      seedHex: z
        .string()
        .nullable()
        .meta({ description: 'Revealed at sell-out, epoch change or end of sale' }),
      revealedAt: ZIsoDateTime.nullable(),
      revealReason: z.string().nullable(),
      createdAt: ZIsoDateTime,
      dealt: z
        .array(z.object({ position: z.int(), prizeId: ZUuid, prizeCode: z.string() }))
        .meta({ description: 'Legacy popbox-kuji-v1 epochs only: dealt cards, from the tickets' }),
    }),
  ),
  log: z.array(
    z.object({
      seq: z.int(),
      kind: z.enum(['epoch', 'draw', 'void']),
      epoch: z.int(),
      lineRef: z.string().nullable(),
      ticketCount: z.int(),
      targetRound: z.int().nullable(),
      commitment: z.string().nullable(),
      voidPositions: z.array(z.int()).nullable(),
      voidReason: z.string().nullable(),
      prevHash: ZHex64,
      entryHash: ZHex64,
      loggedAt: ZIsoDateTime,
      firstPosition: z.int().nullable(),
      wonLastOne: z.boolean().nullable(),
      dealtAt: ZIsoDateTime.nullable(),
      cards: z
        .array(z.object({ position: z.int(), prizeId: ZUuid, prizeCode: z.string() }))
        .nullable()
        .meta({ description: "Once the epoch is revealed: the line's cards as its tickets hold them" }),
    }),
  ),
  rounds: z.array(
    z.object({ chainHash: z.string(), round: z.int(), randomness: z.string(), signature: z.string() }),
  ),
});
