import type { Deps } from '../shared/deps.js';
import { DEFAULT_BANNER, parseStoredBanner, type StoreBanner } from './banner.rules.js';
import { readSetting } from './settings.queries.js';

export const STORE_BANNER_KEY = 'store_banner';

export async function getStoreBanner(deps: Pick<Deps, 'db'>): Promise<StoreBanner> {
  const stored = await readSetting(deps.db, STORE_BANNER_KEY, DEFAULT_BANNER);
  const banner = parseStoredBanner(stored);
  // A stored value that fails validation is a server fault (spec), not the client's.
  if (!banner) throw new Error('store_banner setting is invalid');
  return banner;
}
