/**
 * PopBox kuji fairness recipe `popbox-kuji-v2` — the pure primitives the server deals with and every verifier
 * recomputes (Web Crypto only). The byte-exact recipe with test vectors is in `RECIPE.md` beside this file.
 *
 * In short: an epoch commits to a secret server seed and its manifest before anything can be bought. Each paid
 * line is appended to the board's hash-chained draw log with a *target beacon round* that is published only
 * after the log entry is written. When the round's randomness exists, the lines waiting for it are dealt in an
 * order derived from that randomness; each line draws its cards without replacement from the epoch's undealt
 * cards with a stream seeded by SHA-256(serverSeed ‖ roundRandomness ‖ lineRef).
 */
export const RECIPE_V2 = 'popbox-kuji-v2';
export const LOG_RECIPE = 'popbox-kuji-log-v1';
/** prev_hash of a board's first log entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** A line's target round is the first round published at least this long after its log entry is written. */
export const TARGET_ROUND_MARGIN_MS = 1000;

export interface CardEntry {
  prizeId: string;
  code: string;
  tier: string;
  count: number;
}

export interface LastOneEntry {
  prizeId: string;
  code: string;
  /** 1 when the epoch promises the Last One prize to the line taking its final card, else 0. */
  count: number;
}

export interface EpochCommitmentInput {
  seedHex: string;
  epoch: number;
  firstPosition: number;
  manifest: CardEntry[];
  lastOne: LastOneEntry | null;
  beaconChainHash: string;
}

export interface LogEntryInput {
  prevHash: string;
  seq: number;
  kind: 'epoch' | 'draw' | 'void';
  epoch: number;
  lineRef: string | null;
  ticketCount: number;
  targetRound: number | null;
  commitment: string | null;
  voidPositions: number[] | null;
  voidReason: string | null;
  /** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString()` writes it. */
  loggedAt: string;
}

export interface BeaconTiming {
  genesisTime: number;
  periodSeconds: number;
}

const encoder = new TextEncoder();

export function hexToBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error('expected an even-length hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const b of view) out += b.toString(16).padStart(2, '0');
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(await sha256(encoder.encode(text)));
}

/** `[[prizeId, code, tier, count], …]` in manifest (board) order. */
export function canonicalCards(manifest: CardEntry[]): string {
  return JSON.stringify(manifest.map((e) => [e.prizeId, e.code, e.tier, e.count]));
}

/** `[prizeId, code, count]` or `null`. */
export function canonicalLastOne(lastOne: LastOneEntry | null): string {
  return JSON.stringify(lastOne ? [lastOne.prizeId, lastOne.code, lastOne.count] : null);
}

/** Epoch commitment: SHA-256 hex of the UTF-8 text below (RECIPE.md §2). */
export async function computeCommitmentV2(input: EpochCommitmentInput): Promise<string> {
  const text = [
    RECIPE_V2,
    input.seedHex.toLowerCase(),
    String(input.epoch),
    String(input.firstPosition),
    canonicalCards(input.manifest),
    canonicalLastOne(input.lastOne),
    input.beaconChainHash.toLowerCase(),
  ].join('\n');
  return sha256Hex(text);
}

/** Draw-log entry hash: SHA-256 hex over the previous hash and the entry's immutable fields (RECIPE.md §3). */
export async function logEntryHash(entry: LogEntryInput): Promise<string> {
  const text = [
    LOG_RECIPE,
    entry.prevHash.toLowerCase(),
    String(entry.seq),
    entry.kind,
    String(entry.epoch),
    entry.lineRef ?? '',
    String(entry.ticketCount),
    entry.targetRound === null ? '' : String(entry.targetRound),
    entry.commitment ?? '',
    entry.voidPositions ? entry.voidPositions.join(',') : '',
    entry.voidReason ?? '',
    entry.loggedAt,
  ].join('\n');
  return sha256Hex(text);
}

/** Unix seconds at which `round` is published (round 1 at genesis). */
export function roundPublishedAt(chain: BeaconTiming, round: number): number {
  return chain.genesisTime + (round - 1) * chain.periodSeconds;
}

/** The latest round published at `nowMs` (0 before genesis). */
export function currentRound(chain: BeaconTiming, nowMs: number): number {
  const elapsed = nowMs / 1000 - chain.genesisTime;
  return elapsed < 0 ? 0 : Math.floor(elapsed / chain.periodSeconds) + 1;
}

/** The target round of a line logged at `loggedAtMs`: the first round published ≥ 1 s later (RECIPE.md §4). */
export function targetRoundFor(chain: BeaconTiming, loggedAtMs: number): number {
  return currentRound(chain, loggedAtMs + TARGET_ROUND_MARGIN_MS) + 1;
}

/** Canonical order of the lines dealt by one round: ascending hex of SHA-256(randomness ‖ lineRef). */
export async function lineOrderKey(randomnessHex: string, lineRef: string): Promise<string> {
  return bytesToHex(await sha256(concat(hexToBytes(randomnessHex), encoder.encode(lineRef))));
}

/** Sorts lines of one round into their deal order (RECIPE.md §5). */
export async function orderLinesOfRound<T extends { lineRef: string }>(
  randomnessHex: string,
  lines: T[],
): Promise<T[]> {
  const keyed = await Promise.all(
    lines.map(async (l) => ({ l, k: await lineOrderKey(randomnessHex, l.lineRef) })),
  );
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.l);
}

/**
 * The uint32 stream of a line: seed = SHA-256(serverSeed ‖ randomness ‖ UTF-8 lineRef); block k =
 * SHA-256(seed ‖ uint32be(k)), k = 0, 1, …; each block gives eight uint32be words, consumed in order.
 */
export async function lineStream(seedHex: string, randomnessHex: string, lineRef: string) {
  const seed = await sha256(concat(hexToBytes(seedHex), hexToBytes(randomnessHex), encoder.encode(lineRef)));
  let block = 0;
  let words: number[] = [];
  let next = 0;
  return async (): Promise<number> => {
    if (next === words.length) {
      const input = new Uint8Array(seed.length + 4);
      input.set(seed);
      new DataView(input.buffer).setUint32(seed.length, block++);
      const view = new DataView((await sha256(input)).buffer);
      words = Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4));
      next = 0;
    }
    return words[next++]!;
  };
}

/** Uniform integer in [0, range) from the stream, by rejection sampling (range ≤ 2^32). */
export async function uniformBelow(next: () => Promise<number>, range: number): Promise<number> {
  if (!Number.isInteger(range) || range < 1 || range > 0x1_0000_0000) throw new Error(`bad range ${range}`);
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  let word = await next();
  while (word >= limit) word = await next();
  return word % range;
}

/**
 * Draws `count` cards for one line, without replacement, from `undealt` (the epoch's undealt cards per prize
 * in manifest order; mutated: each drawn card is removed). For each card: j = uniform in [0, total undealt);
 * walk the entries in manifest order and take the entry where j falls. Returns prize ids in position order.
 */
export async function drawLine(
  seedHex: string,
  randomnessHex: string,
  lineRef: string,
  undealt: Array<{ prizeId: string; count: number }>,
  count: number,
): Promise<string[]> {
  const next = await lineStream(seedHex, randomnessHex, lineRef);
  let total = undealt.reduce((n, e) => n + e.count, 0);
  if (count > total) throw new Error(`cannot draw ${count} cards from ${total}`);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let j = await uniformBelow(next, total);
    for (const entry of undealt) {
      if (j < entry.count) {
        entry.count -= 1;
        out.push(entry.prizeId);
        break;
      }
      j -= entry.count;
    }
    total -= 1;
  }
  return out;
}
