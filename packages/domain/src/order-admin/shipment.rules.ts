/** B14 shipment merge rules. Pure. */
export interface ShipmentFields {
  carrierName: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
}

/** The request: an omitted field keeps the stored value, an explicit null clears it. Dates as given. */
export interface ShipmentPatch {
  carrierName?: string | null | undefined;
  trackingNumber?: string | null | undefined;
  trackingUrl?: string | null | undefined;
  shippedAt?: string | null | undefined;
  deliveredAt?: string | null | undefined;
}

const date = (value: string | null) => (value === null ? null : new Date(value));

/**
 * Merge with the existing shipment (B14 step 2). A packed order always ends with a shipped_at: the given
 * one, else the existing one, else now.
 */
export function mergeShipment(
  existing: ShipmentFields | null,
  patch: ShipmentPatch,
  opts: { now: Date; orderIsPacked: boolean },
): ShipmentFields {
  const keep = <K extends keyof ShipmentFields>(key: K): ShipmentFields[K] => existing?.[key] ?? null;
  const merged: ShipmentFields = {
    carrierName: patch.carrierName !== undefined ? patch.carrierName : keep('carrierName'),
    trackingNumber: patch.trackingNumber !== undefined ? patch.trackingNumber : keep('trackingNumber'),
    trackingUrl: patch.trackingUrl !== undefined ? patch.trackingUrl : keep('trackingUrl'),
    shippedAt: patch.shippedAt !== undefined ? date(patch.shippedAt) : keep('shippedAt'),
    deliveredAt: patch.deliveredAt !== undefined ? date(patch.deliveredAt) : keep('deliveredAt'),
  };
  if (opts.orderIsPacked && !merged.shippedAt) merged.shippedAt = opts.now;
  return merged;
}

/** B14 step 4: carrier, tracking number or tracking URL changed (dates alone never email the buyer). */
export function trackingChanged(before: ShipmentFields | null, after: ShipmentFields): boolean {
  return (
    (before?.carrierName ?? null) !== after.carrierName ||
    (before?.trackingNumber ?? null) !== after.trackingNumber ||
    (before?.trackingUrl ?? null) !== after.trackingUrl
  );
}
