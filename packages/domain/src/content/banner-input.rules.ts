import { validationFailed } from '../shared/db-errors.js';
import type { BannerItem, StoreBanner } from './banner.rules.js';

export interface BannerItemInput {
  id?: string | null | undefined;
  message: string;
  linkLabel?: string | null | undefined;
  linkHref?: string | null | undefined;
  sortOrder: number;
  isActive: boolean;
}

/**
 * Security rule 12: a banner link is an internal path (`/…` but not `//…`, nor `/\…`, which browsers also
 * read as protocol-relative) or an absolute https URL. Whitespace and control characters are refused.
 */
export function isSafeBannerHref(href: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(href)) return false;
  if (href.startsWith('/')) return !href.startsWith('//') && !href.startsWith('/\\');
  try {
    const url = new URL(href);
    return url.protocol === 'https:' && Boolean(url.hostname);
  } catch {
    return false;
  }
}

const blankToNull = (v: string | null | undefined) => {
  const t = v?.trim();
  return t ? t : null;
};

/**
 * B16 normalisation: trim strings, blank id → new UUID, blank link fields → null, message required, a label
 * needs an href, hrefs must be safe, items sorted by sortOrder (stable). Any violation → 400 naming the field
 * (`items.<i>.<field>`), and nothing is written.
 */
export function normaliseBannerInput(
  input: { enabled: boolean; items: BannerItemInput[] },
  newId: () => string,
): StoreBanner {
  const fields: Record<string, string[]> = {};
  const fail = (path: string, message: string) => (fields[path] ??= []).push(message);
  const items: BannerItem[] = input.items.map((raw, i) => {
    const item = {
      id: blankToNull(raw.id) ?? newId(),
      message: raw.message.trim(),
      linkLabel: blankToNull(raw.linkLabel),
      linkHref: blankToNull(raw.linkHref),
      sortOrder: raw.sortOrder,
      isActive: raw.isActive,
    };
    if (!item.message) fail(`items.${i}.message`, 'Must not be blank');
    if (item.linkLabel && !item.linkHref) fail(`items.${i}.linkHref`, 'A link label requires a link href');
    if (item.linkHref && !isSafeBannerHref(item.linkHref)) {
      fail(`items.${i}.linkHref`, 'Must be an internal path (/…) or an absolute https URL');
    }
    return item;
  });
  if (Object.keys(fields).length) throw validationFailed(fields);
  // Array.prototype.sort is stable: ties keep their submitted order.
  return { enabled: input.enabled, items: [...items].sort((a, b) => a.sortOrder - b.sortOrder) };
}
