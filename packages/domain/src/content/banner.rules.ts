/** Store banner rules (spec "store_settings" and B16). Pure functions. */
export interface BannerItem {
  id: string;
  message: string;
  linkLabel: string | null;
  linkHref: string | null;
  sortOrder: number;
  isActive: boolean;
}
export interface StoreBanner {
  enabled: boolean;
  items: BannerItem[];
}

export const DEFAULT_BANNER: StoreBanner = {
  enabled: true,
  items: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      message: 'Free Canadian shipping on orders over $149 CAD — flat $15.99 everywhere else.',
      linkLabel: 'Shipping details',
      linkHref: '/legal/shipping-returns',
      sortOrder: 0,
      isActive: true,
    },
  ],
};

const LEGACY_ITEM_ID = '00000000-0000-4000-8000-000000000001';

/** Reads a stored value, converting the legacy single-message shape. Returns null if it is not a banner. */
export function parseStoredBanner(value: unknown): StoreBanner | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.enabled !== 'boolean') return null;
  if (Array.isArray(v.items)) {
    const items = v.items.map(parseItem);
    return items.every((i): i is BannerItem => i !== null) ? { enabled: v.enabled, items } : null;
  }
  // Legacy shape {enabled, message, linkLabel, linkHref}: one item, or none when the message is blank.
  const message = typeof v.message === 'string' ? v.message.trim() : '';
  if (!message) return { enabled: v.enabled, items: [] };
  return {
    enabled: v.enabled,
    items: [
      {
        id: LEGACY_ITEM_ID,
        message,
        linkLabel: typeof v.linkLabel === 'string' && v.linkLabel.trim() ? v.linkLabel.trim() : null,
        linkHref: typeof v.linkHref === 'string' && v.linkHref.trim() ? v.linkHref.trim() : null,
        sortOrder: 0,
        isActive: true,
      },
    ],
  };
}

function parseItem(raw: unknown): BannerItem | null {
  if (!raw || typeof raw !== 'object') return null;
  const i = raw as Record<string, unknown>;
  const nullableString = (x: unknown) =>
    x === null || x === undefined ? null : typeof x === 'string' ? x : undefined;
  const linkLabel = nullableString(i.linkLabel);
  const linkHref = nullableString(i.linkHref);
  if (
    typeof i.id !== 'string' ||
    typeof i.message !== 'string' ||
    linkLabel === undefined ||
    linkHref === undefined ||
    typeof i.sortOrder !== 'number' ||
    typeof i.isActive !== 'boolean'
  ) {
    return null;
  }
  return { id: i.id, message: i.message, linkLabel, linkHref, sortOrder: i.sortOrder, isActive: i.isActive };
}
