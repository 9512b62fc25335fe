import { createHash } from 'node:crypto';
import type { AddressSnapshot } from '@popbox/db';

/** Domains where Google delivers `j.o.hn+x@` to `john@`: one mailbox, so one buyer. */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The email a purchase cap counts by: trimmed and lower-cased; for Gmail (gmail.com / googlemail.com) the
 * dots and the `+tag` of the local part are dropped and the domain unified, because Gmail itself ignores
 * them (documented behaviour: all of them reach the same inbox), so they are free aliases of one buyer.
 * Other providers are left alone: dots are significant at most of them, and plus-tags are not universal, so
 * folding them could merge two real customers. Pure.
 */
export function emailKey(email: string | null | undefined): string | null {
  const value = email?.trim().toLowerCase();
  if (!value) return null;
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1) return value;
  const domain = value.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return value;
  const local = value.slice(0, at).split('+')[0]!.replaceAll('.', '');
  return `${local || value.slice(0, at)}@gmail.com`;
}

const STREET_WORDS: Record<string, string> = {
  street: 'st',
  avenue: 'ave',
  av: 'ave',
  road: 'rd',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  court: 'ct',
  place: 'pl',
  crescent: 'cres',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
};
const UNIT_WORDS = new Set(['apt', 'apartment', 'unit', 'suite', 'ste', 'no']);

function words(value: string | null | undefined): string {
  return (value ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w && !UNIT_WORDS.has(w))
    .map((w) => STREET_WORDS[w] ?? w)
    .join(' ');
}

/**
 * The shipping address a purchase cap counts by: street lines, postal code and country, accents, case,
 * punctuation, unit words ("Apt", "Suite", "#") and common street-type spellings folded, then hashed (the
 * order keeps the readable address elsewhere). The name is left out on purpose: many names at one door is
 * exactly the pattern a cap by address catches. Null when the address has no street or postal code. Pure.
 */
export function addressKey(address: AddressSnapshot | null | undefined): string | null {
  if (!address?.line1 || !address.postalCode) return null;
  const canonical = [
    (address.countryCode ?? '').toUpperCase(),
    address.postalCode.toUpperCase().replace(/[^A-Z0-9]/g, ''),
    words(address.line1),
    words(address.line2),
  ].join('|');
  return createHash('sha256').update(canonical).digest('hex');
}
