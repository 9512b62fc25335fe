import { describe, expect, it } from 'vitest';
import { mergeShipment, trackingChanged, type ShipmentFields } from './shipment.rules.js';

const now = new Date('2026-05-01T12:00:00Z');
const existing: ShipmentFields = {
  carrierName: 'UPS',
  trackingNumber: '1Z',
  trackingUrl: 'https://ups.test/1Z',
  shippedAt: new Date('2026-04-01T00:00:00Z'),
  deliveredAt: null,
};

describe('shipment merge (B14)', () => {
  it('keeps omitted fields and clears explicit nulls', () => {
    const merged = mergeShipment(
      existing,
      { trackingUrl: null, deliveredAt: '2026-04-03' },
      { now, orderIsPacked: false },
    );
    expect(merged).toEqual({
      ...existing,
      trackingUrl: null,
      deliveredAt: new Date('2026-04-03'),
    });
  });

  it('gives a packed order a shipped_at: the given one, the existing one, else now', () => {
    expect(mergeShipment(null, {}, { now, orderIsPacked: true }).shippedAt).toEqual(now);
    expect(mergeShipment(existing, {}, { now, orderIsPacked: true }).shippedAt).toEqual(existing.shippedAt);
    expect(mergeShipment(existing, { shippedAt: null }, { now, orderIsPacked: true }).shippedAt).toEqual(now);
    expect(mergeShipment(null, {}, { now, orderIsPacked: false }).shippedAt).toBeNull();
  });

  it('counts carrier, tracking number and URL as tracking changes, never the dates', () => {
    const dates = mergeShipment(
      existing,
      { deliveredAt: '2026-04-05', shippedAt: '2026-04-02' },
      { now, orderIsPacked: false },
    );
    expect(trackingChanged(existing, dates)).toBe(false);
    for (const patch of [{ carrierName: 'FedEx' }, { trackingNumber: '2Z' }, { trackingUrl: null }]) {
      expect(trackingChanged(existing, mergeShipment(existing, patch, { now, orderIsPacked: false }))).toBe(
        true,
      );
    }
    expect(trackingChanged(null, mergeShipment(null, {}, { now, orderIsPacked: false }))).toBe(false);
  });
});
