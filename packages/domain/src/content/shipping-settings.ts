import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { readSetting, writeSetting } from './settings.queries.js';
import { DEFAULT_SHIPPING, parseStoredShipping, type ShippingSettings } from './shipping.rules.js';

export const SHIPPING_KEY = 'shipping';

/** Shipping settings, default-inserted when missing. A stored value that fails validation is a 500. */
export async function getShippingSettings(deps: Pick<Deps, 'db'>): Promise<ShippingSettings> {
  return shippingSettingsFrom(deps, undefined);
}

/**
 * The same from a value the caller already read (checkout reads it together with its key, issue 14);
 * `undefined` (no row) reads it again, default-inserting it.
 */
export async function shippingSettingsFrom(
  deps: Pick<Deps, 'db'>,
  stored: unknown,
): Promise<ShippingSettings> {
  const settings = parseStoredShipping(
    stored === undefined ? await readSetting(deps.db, SHIPPING_KEY, DEFAULT_SHIPPING) : stored,
  );
  if (!settings) throw new Error('shipping setting is invalid');
  return settings;
}

/** B16: replace the shipping pricing (future checkouts only). */
export async function updateShippingSettings(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: ShippingSettings,
) {
  const value: ShippingSettings = {
    flatShippingCents: input.flatShippingCents,
    freeShippingThresholdCents: input.freeShippingThresholdCents,
    currency: 'CAD',
  };
  return deps.db.transaction(async (tx) => {
    const before = await readSetting(tx, SHIPPING_KEY, DEFAULT_SHIPPING);
    await writeSetting(tx, SHIPPING_KEY, value);
    await recordAudit(tx, actor, {
      action: 'settings.shipping.update',
      entityType: 'setting',
      entityId: SHIPPING_KEY,
      before,
      after: value,
    });
    return value;
  });
}
