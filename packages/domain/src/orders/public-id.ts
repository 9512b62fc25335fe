import type { Random } from '../shared/ports.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `PBX-` + 10 characters of 0-9A-Z from a CSPRNG, without modulo bias (rejection sampling). */
export function generatePublicId(random: Random): string {
  let out = 'PBX-';
  while (out.length < 14) {
    for (const byte of random.bytes(16)) {
      if (byte >= 252) continue; // 252 = 7 × 36: larger values would favour the first characters.
      out += ALPHABET[byte % 36];
      if (out.length === 14) break;
    }
  }
  return out;
}
