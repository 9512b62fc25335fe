import { describe, expect, it } from 'vitest';
import { slugify, uniqueSlug } from './slug.js';

describe('slugify', () => {
  it('lower-cases, drops quotes and joins the rest with single dashes', () => {
    expect(slugify("  Chibi 'Moon' Keychain -- Set!! ")).toBe('chibi-moon-keychain-set');
    expect(slugify('"Ａ" ½ ---x')).toBe('x');
  });
});

describe('uniqueSlug', () => {
  it('tries base, base-2, base-3 until one is free', async () => {
    const taken = new Set(['mug', 'mug-2']);
    expect(await uniqueSlug('mug', async (s) => taken.has(s))).toBe('mug-3');
  });
});
