import type { Deps } from '../shared/deps.js';
import { readSetting } from '../content/settings.queries.js';
import {
  DEFAULT_SHIPPING,
  parseShippingSettings,
  SHIPPING_SETTINGS_KEY,
  type ShippingSettings,
} from './shipping.rules.js';

/** The shipping pricing (default-inserted when missing). An invalid stored value is a 500, not the client's fault. */
export async function getShippingSettings(deps: Pick<Deps, 'db'>): Promise<ShippingSettings> {
  const settings = parseShippingSettings(await readSetting(deps.db, SHIPPING_SETTINGS_KEY, DEFAULT_SHIPPING));
  if (!settings) throw new Error('shipping setting is invalid');
  return settings;
}
