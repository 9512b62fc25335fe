/**
 * PopBox kuji fairness recipe, version `popbox-kuji-v1` (F12). Dependency-free (Web Crypto only) so any
 * client can import it from `@popbox/domain/kuji-verifier` and check a board without trusting the shop.
 * The server deals with this very code, so what is verified is what was dealt.
 *
 * Recipe:
 * 1. Manifest: the epoch's prize lines in board order (sort_order, id), each `{ prizeId, code, tier, count }`
 *    where `count` is how many cards of that prize the epoch holds. The Last One prize is never a card.
 * 2. Unshuffled deck: each manifest entry's prizeId repeated `count` times, in manifest order.
 * 3. Seed: 32 random bytes (CSPRNG), hex. Random stream: block k = SHA-256(seed bytes ‖ uint32be(k)),
 *    k = 0, 1, …; each block yields eight uint32be words, consumed in order.
 * 4. Shuffle: Fisher–Yates from the end: for i = n−1 down to 1, draw j uniform in [0, i] by rejection
 *    sampling (reject words ≥ floor(2^32 / (i+1)) · (i+1), then j = word mod (i+1)), swap deck[i] and deck[j].
 * 5. Card at global position `firstPosition + index` is deck[index].
 * 6. Commitment = SHA-256 hex of the UTF-8 text
 *    `popbox-kuji-v1\n{seedHex}\n{firstPosition}\n{canonical manifest JSON}` where canonical JSON is
 *    `JSON.stringify(manifest.map(e => [e.prizeId, e.code, e.tier, e.count]))`.
 */
export const RECIPE_VERSION = 'popbox-kuji-v1';

export interface ManifestEntry {
  prizeId: string;
  code: string;
  tier: string;
  count: number;
}

export interface DealtCard {
  position: number;
  prizeId: string;
}

const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new Error('seed must be hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(data: Uint8Array): Promise<ArrayBuffer> {
  return globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
}

/** The deterministic uint32 stream of step 3. */
function randomStream(seed: Uint8Array) {
  let block = 0;
  let words: number[] = [];
  return async (): Promise<number> => {
    if (words.length === 0) {
      const input = new Uint8Array(seed.length + 4);
      input.set(seed);
      new DataView(input.buffer).setUint32(seed.length, block++);
      const view = new DataView(await sha256(input));
      words = Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4));
    }
    return words.shift()!;
  };
}

export function canonicalManifest(manifest: ManifestEntry[]): string {
  return JSON.stringify(manifest.map((e) => [e.prizeId, e.code, e.tier, e.count]));
}

/** Steps 2–4: the epoch's cards (prize ids) in deal order. */
export async function shuffleDeck(seedHex: string, manifest: ManifestEntry[]): Promise<string[]> {
  const deck = manifest.flatMap((e) => Array.from({ length: e.count }, () => e.prizeId));
  const next = randomStream(hexToBytes(seedHex));
  for (let i = deck.length - 1; i >= 1; i--) {
    const range = i + 1;
    const limit = Math.floor(0x1_0000_0000 / range) * range;
    let word = await next();
    while (word >= limit) word = await next();
    const j = word % range;
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  return deck;
}

/** Step 6. */
export async function computeCommitment(
  seedHex: string,
  firstPosition: number,
  manifest: ManifestEntry[],
): Promise<string> {
  const text = `${RECIPE_VERSION}\n${seedHex.toLowerCase()}\n${firstPosition}\n${canonicalManifest(manifest)}`;
  return bytesToHex(await sha256(encoder.encode(text)));
}

export interface EpochToVerify {
  recipeVersion: string;
  seedHex: string;
  commitment: string;
  firstPosition: number;
  manifest: ManifestEntry[];
  /** Cards the shop says it dealt from this epoch. */
  dealt: DealtCard[];
}

export interface VerificationResult {
  ok: boolean;
  problems: string[];
}

/** Recomputes an epoch from its revealed seed: the commitment must match and every dealt card must agree. */
export async function verifyEpoch(epoch: EpochToVerify): Promise<VerificationResult> {
  const problems: string[] = [];
  if (epoch.recipeVersion !== RECIPE_VERSION) problems.push(`unknown recipe ${epoch.recipeVersion}`);
  const commitment = await computeCommitment(epoch.seedHex, epoch.firstPosition, epoch.manifest);
  if (commitment !== epoch.commitment.toLowerCase())
    problems.push('commitment does not match seed and manifest');
  const deck = await shuffleDeck(epoch.seedHex, epoch.manifest);
  for (const card of epoch.dealt) {
    const index = card.position - epoch.firstPosition;
    const expected = deck[index];
    if (expected === undefined) problems.push(`position ${card.position} is outside this epoch`);
    else if (expected !== card.prizeId)
      problems.push(`position ${card.position} should hold ${expected}, not ${card.prizeId}`);
  }
  return { ok: problems.length === 0, problems };
}
