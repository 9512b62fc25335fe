export interface ShippingSettings {
  flatShippingCents: number;
  freeShippingThresholdCents: number;
  currency: 'CAD';
}

export const SHIPPING_SETTINGS_KEY = 'shipping';
export const DEFAULT_SHIPPING: ShippingSettings = {
  flatShippingCents: 1200,
  freeShippingThresholdCents: 14900,
  currency: 'CAD',
};

const isCents = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** A stored value that is not a valid shipping setting is null (a server fault for the caller). */
export function parseShippingSettings(value: unknown): ShippingSettings | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!isCents(v.flatShippingCents) || !isCents(v.freeShippingThresholdCents) || v.currency !== 'CAD') {
    return null;
  }
  return {
    flatShippingCents: v.flatShippingCents,
    freeShippingThresholdCents: v.freeShippingThresholdCents,
    currency: 'CAD',
  };
}

/** B16: free when the pre-tax merchandise subtotal is >= the threshold, else the flat fee. */
export function shippingFor(subtotalCents: number, settings: ShippingSettings): number {
  return subtotalCents >= settings.freeShippingThresholdCents ? 0 : settings.flatShippingCents;
}
