import { describe, expect, it } from 'vitest';
import type { AddressSnapshot } from '@popbox/db';
import { addressKey, emailKey } from './buyer-keys.rules.js';

describe('emailKey', () => {
  it('trims and lower-cases', () => {
    expect(emailKey('  Aiko@Example.COM ')).toBe('aiko@example.com');
    expect(emailKey('   ')).toBeNull();
    expect(emailKey(null)).toBeNull();
  });

  it('folds Gmail dots, plus-tags and googlemail.com into one mailbox', () => {
    const key = 'aikotanaka@gmail.com';
    expect(emailKey('Aiko.Tanaka@gmail.com')).toBe(key);
    expect(emailKey('a.i.k.o.tanaka+drop1@gmail.com')).toBe(key);
    expect(emailKey('aikotanaka+x+y@googlemail.com')).toBe(key);
  });

  it('leaves other providers alone (dots and plus-tags can be different people there)', () => {
    expect(emailKey('aiko.tanaka@example.com')).toBe('aiko.tanaka@example.com');
    expect(emailKey('aiko+shop@example.com')).toBe('aiko+shop@example.com');
    expect(emailKey('aiko.tanaka@example.com')).not.toBe(emailKey('aikotanaka@example.com'));
  });
});

const address = (over: Partial<AddressSnapshot> = {}): AddressSnapshot => ({
  fullName: 'Aiko Tanaka',
  line1: '123 Maple Street',
  line2: 'Apt 4',
  city: 'Calgary',
  province: 'AB',
  postalCode: 'T2P 1J9',
  countryCode: 'CA',
  phone: null,
  email: null,
  source: 'stripe_shipping_details',
  ...over,
});

describe('addressKey', () => {
  it('is the same for spelling variants of one door, whoever the name', () => {
    const base = addressKey(address());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(addressKey(address({ line1: '123  maple st.', line2: '#4', postalCode: 't2p1j9' }))).toBe(base);
    expect(addressKey(address({ fullName: 'Someone Else', line2: 'Unit 4' }))).toBe(base);
    expect(addressKey(address({ line1: '123 Maplé Street' }))).toBe(
      addressKey(address({ line1: '123 Maple St' })),
    );
  });

  it('tells different doors apart (another unit, street number or postal code)', () => {
    const base = addressKey(address());
    expect(addressKey(address({ line2: 'Apt 5' }))).not.toBe(base);
    expect(addressKey(address({ line1: '125 Maple Street' }))).not.toBe(base);
    expect(addressKey(address({ postalCode: 'T2P 1J8' }))).not.toBe(base);
  });

  it('is null without a street or postal code', () => {
    expect(addressKey(address({ line1: null }))).toBeNull();
    expect(addressKey(address({ postalCode: null }))).toBeNull();
    expect(addressKey(null)).toBeNull();
  });
});
