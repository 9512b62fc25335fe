/** Shipping settings (spec "store_settings" key `shipping`, B16). Pure. */
export interface ShippingSettings {
  flatShippingCents: number;
  freeShippingThresholdCents: number;
  currency: 'CAD';
}

export const DEFAULT_SHIPPING: ShippingSettings = {
  flatShippingCents: 1200,
  freeShippingThresholdCents: 14900,
  currency: 'CAD',
};

const isCents = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function parseStoredShipping(value: unknown): ShippingSettings | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!isCents(v.flatShippingCents) || !isCents(v.freeShippingThresholdCents) || v.currency !== 'CAD')
    return null;
  return {
    flatShippingCents: v.flatShippingCents,
    freeShippingThresholdCents: v.freeShippingThresholdCents,
    currency: 'CAD',
  };
}

/** The single shipping rule: free at or above the threshold (threshold 0 or flat 0: always free). */
export function shippingCentsFor(settings: ShippingSettings, subtotalCents: number): number {
  return subtotalCents >= settings.freeShippingThresholdCents ? 0 : settings.flatShippingCents;
}
