import { describe, expect, it } from 'vitest';
import { systemRandom } from '../shared/ports.js';
import { generatePublicId } from './public-id.js';

describe('public order id', () => {
  it('is PBX- followed by 10 characters of 0-9A-Z', () => {
    for (let i = 0; i < 200; i++) expect(generatePublicId(systemRandom)).toMatch(/^PBX-[0-9A-Z]{10}$/);
  });

  it('skips the bytes that would bias the first characters', () => {
    const bytes = [255, 252, 0, 35, 36, 71, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const random = { bytes: () => Uint8Array.from(bytes), uuid: () => '' };
    expect(generatePublicId(random)).toBe('PBX-0Z0Z123456');
  });
});
