import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  readSessionToken,
  signAccessToken,
  signSessionToken,
  signToken,
  verifyAccessToken,
  SESSION_MAX_ORDERS,
} from './guest-tokens.js';

const pepper = 'pepper-for-unit-tests-0123456789';
const now = new Date('2026-11-01T00:00:00Z');
const day = 24 * 60 * 60 * 1000;

describe('guest access tokens', () => {
  const token = signAccessToken(pepper, {
    publicId: 'PBX-ABCDEFGHIJ',
    version: 1,
    now,
    lifetimeMs: 180 * day,
  });

  it('accepts a token for its own order and version', () => {
    expect(verifyAccessToken(pepper, token, { publicId: 'PBX-ABCDEFGHIJ', version: 1 }, now)).not.toBeNull();
  });

  it('refuses another order, a revoked version, an expired token and another pepper', () => {
    expect(verifyAccessToken(pepper, token, { publicId: 'PBX-ZZZZZZZZZZ', version: 1 }, now)).toBeNull();
    expect(verifyAccessToken(pepper, token, { publicId: 'PBX-ABCDEFGHIJ', version: 2 }, now)).toBeNull();
    expect(
      verifyAccessToken(
        pepper,
        token,
        { publicId: 'PBX-ABCDEFGHIJ', version: 1 },
        new Date(now.getTime() + 181 * day),
      ),
    ).toBeNull();
    expect(
      verifyAccessToken('another-pepper-0123456789', token, { publicId: 'PBX-ABCDEFGHIJ', version: 1 }, now),
    ).toBeNull();
  });

  it('refuses a session token presented as an access token (kinds are scoped)', () => {
    const session = signSessionToken(pepper, {
      grants: [],
      add: { p: 'PBX-ABCDEFGHIJ', ver: 1 },
      now,
      lifetimeMs: day,
    });
    expect(verifyAccessToken(pepper, session, { publicId: 'PBX-ABCDEFGHIJ', version: 1 }, now)).toBeNull();
    expect(readSessionToken(pepper, token, now)).toBeNull();
  });

  it('refuses any tampering with the payload or the signature', () => {
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom('A', 'b', '-', '_', '0'), (i, ch) => {
        const tampered = token.slice(0, i) + ch + token.slice(i + 1);
        fc.pre(tampered !== token);
        return verifyAccessToken(pepper, tampered, { publicId: 'PBX-ABCDEFGHIJ', version: 1 }, now) === null;
      }),
    );
  });

  it('refuses a token signed with version v2 or without expiry', () => {
    const forged = signToken(pepper, {
      v: 'v2',
      kind: 'guest_order_access',
      publicId: 'PBX-ABCDEFGHIJ',
      ver: 1,
      iat: 0,
      exp: 9e15,
    } as never);
    expect(verifyAccessToken(pepper, forged, { publicId: 'PBX-ABCDEFGHIJ', version: 1 }, now)).toBeNull();
  });
});

describe('guest session tokens', () => {
  it('hold several orders, newest first, replacing a re-granted order', () => {
    const first = signSessionToken(pepper, { grants: [], add: { p: 'PBX-1', ver: 1 }, now, lifetimeMs: day });
    const grants1 = readSessionToken(pepper, first, now)!;
    const second = signSessionToken(pepper, {
      grants: grants1,
      add: { p: 'PBX-2', ver: 1 },
      now,
      lifetimeMs: day,
    });
    const grants2 = readSessionToken(pepper, second, now)!;
    expect(grants2).toEqual([
      { p: 'PBX-2', ver: 1 },
      { p: 'PBX-1', ver: 1 },
    ]);
    const third = signSessionToken(pepper, {
      grants: grants2,
      add: { p: 'PBX-1', ver: 3 },
      now,
      lifetimeMs: day,
    });
    expect(readSessionToken(pepper, third, now)).toEqual([
      { p: 'PBX-1', ver: 3 },
      { p: 'PBX-2', ver: 1 },
    ]);
  });

  it('keeps at most the newest orders', () => {
    let grants: { p: string; ver: number }[] = [];
    for (let i = 0; i < SESSION_MAX_ORDERS + 5; i++) {
      const t = signSessionToken(pepper, { grants, add: { p: `PBX-${i}`, ver: 1 }, now, lifetimeMs: day });
      grants = readSessionToken(pepper, t, now)!;
    }
    expect(grants).toHaveLength(SESSION_MAX_ORDERS);
    expect(grants[0]!.p).toBe(`PBX-${SESSION_MAX_ORDERS + 4}`);
  });
});
