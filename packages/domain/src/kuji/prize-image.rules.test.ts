import { describe, expect, it } from 'vitest';
import { managedPrizeImageKey } from './prize-image.rules.js';

const storage = { publicBaseUrl: 'https://x.supabase.co/storage/v1/object/public/images/' };
const product = '0b4f7a3e-1f2a-4c3b-9d8e-7f6a5b4c3d2e';

describe('managed prize image URLs', () => {
  it('recognises our own prize image URLs and nothing else', () => {
    const key = `products/${product}/kuji-prizes/abc-figure-png`;
    expect(managedPrizeImageKey(storage, product, `${storage.publicBaseUrl}${key}`)).toBe(key);
    expect(
      managedPrizeImageKey(storage, product, `${storage.publicBaseUrl}products/${product}/main.png`),
    ).toBeNull();
    expect(managedPrizeImageKey(storage, 'other', `${storage.publicBaseUrl}${key}`)).toBeNull();
    expect(managedPrizeImageKey(storage, product, `https://cdn.example/${key}`)).toBeNull();
    expect(
      managedPrizeImageKey(storage, product, `${storage.publicBaseUrl}products/${product}/kuji-prizes/../x`),
    ).toBeNull();
  });
});
