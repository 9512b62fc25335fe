import { describe, expect, it } from 'vitest';
import { assertAcceptableImage, imageObjectName, sniffImageType } from './image.rules.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
const avif = new Uint8Array([0, 0, 0, 28, ...Buffer.from('ftypavif')]);

describe('image rules', () => {
  it('recognises the allowed formats by their bytes', () => {
    expect(sniffImageType(png)).toBe('image/png');
    expect(sniffImageType(avif)).toBe('image/avif');
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('<svg/>'))).toBeNull();
  });

  it('refuses a declared type that the bytes contradict', () => {
    expect(() => assertAcceptableImage({ fileName: 'a.jpg', contentType: 'image/jpeg', bytes: png })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_IMAGE_TYPE' }),
    );
    expect(assertAcceptableImage({ fileName: 'a.png', contentType: 'IMAGE/PNG; x=y', bytes: png })).toBe(
      'image/png',
    );
  });

  it('builds object names that always fit the storage_key column', () => {
    const name = imageObjectName(
      '0b4f7a3e-1f2a-4c3b-9d8e-7f6a5b4c3d2e',
      `${'very long name '.repeat(40)}.png`,
    );
    expect(`products/0b4f7a3e-1f2a-4c3b-9d8e-7f6a5b4c3d2e/${name}`.length).toBeLessThanOrEqual(255);
    expect(imageObjectName('u', '!!!.')).toBe('u-image');
  });
});
