import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { DEFAULT_BANNER, type StoreBanner } from './banner.rules.js';
import { normaliseBannerInput, type BannerItemInput } from './banner-input.rules.js';
import { STORE_BANNER_KEY } from './get-store-banner.js';
import { readSetting, writeSetting } from './settings.queries.js';

/** B16: validate and normalise, then replace the banner; returns the stored value. */
export async function updateStoreBanner(
  deps: Pick<Deps, 'db' | 'random'>,
  actor: AdminActor,
  input: { enabled: boolean; items: BannerItemInput[] },
): Promise<StoreBanner> {
  const banner = normaliseBannerInput(input, () => deps.random.uuid());
  return deps.db.transaction(async (tx) => {
    const before = await readSetting(tx, STORE_BANNER_KEY, DEFAULT_BANNER);
    await writeSetting(tx, STORE_BANNER_KEY, banner);
    await recordAudit(tx, actor, {
      action: 'settings.store_banner.update',
      entityType: 'setting',
      entityId: STORE_BANNER_KEY,
      before,
      after: banner,
    });
    return banner;
  });
}
