import { describe, expect, it } from 'vitest';
import { dealerBackoff } from './dealer-backoff.js';

describe('dealer back-off during a beacon outage', () => {
  it('doubles the pause per failed run up to 30 s and resets on the first run that gets through', () => {
    const t = 1_000_000;
    dealerBackoff.record({ beaconError: null, linesDealt: 0 }, t);
    expect(dealerBackoff.waiting(t)).toBe(false);
    const pauses = [];
    for (let i = 0; i < 7; i++) {
      dealerBackoff.record({ beaconError: 'relays down', linesDealt: 0 }, t);
      pauses.push(dealerBackoff.until - t);
    }
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(dealerBackoff.waiting(t + 29_999)).toBe(true);
    dealerBackoff.record({ beaconError: 'one board waits', linesDealt: 3 }, t);
    expect(dealerBackoff.waiting(t)).toBe(false);
  });
});
