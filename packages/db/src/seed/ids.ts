import { createHash } from 'node:crypto';

/** Every seeded timestamp is relative to this instant, so the demo data is identical on every run. */
export const SEED_EPOCH = new Date('2026-11-01T00:00:00Z');

const DAY = 86_400_000;

/** `days` (fractional allowed) before the seed epoch. */
export function daysBefore(days: number): Date {
  return new Date(SEED_EPOCH.getTime() - Math.round(days * DAY));
}

/**
 * Deterministic UUID from a name: SHA-256 of the name laid out as an RFC 9562 version-8 ("custom") UUID,
 * so ids are stable across runs and databases and still valid UUIDs for every validator.
 */
export function seedUuid(name: string): string {
  const b = createHash('sha256').update(`popbox-seed:${name}`).digest();
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Small deterministic integer in [0, modulo) derived from a name (stock levels, colours …). */
export function seedInt(name: string, modulo: number): number {
  return createHash('sha256').update(`popbox-seed-int:${name}`).digest().readUInt32BE(0) % modulo;
}

/** The spec's slug rule (a): lower-case, trim, drop quotes, non-[a-z0-9] runs → '-', trim dashes. */
export function slugify(value: string): string {
  return value
    .toLowerCase()
    .trim()
    .replace(/['"]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
