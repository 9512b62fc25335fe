import { crc32, deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** Minimal truecolour PNG encoder: enough for deterministic placeholder product images. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter type "None"
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const offset = y * stride + 1 + x * 3;
      raw[offset] = r;
      raw[offset + 1] = g;
      raw[offset + 2] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0, 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A 240×240 card: series colour background, a disc in the accent colour (position varies per image) and a
 * band whose height encodes the category — recognisable at a glance, a few hundred bytes each.
 */
export function placeholderImage(background: Rgb, accent: Rgb, variant: number, band: number): Buffer {
  const size = 240;
  const cx = variant % 2 === 0 ? 120 : 84;
  const cy = variant % 2 === 0 ? 104 : 128;
  const radius = 56 + (variant % 3) * 8;
  const bandTop = size - 24 - band * 6;
  return encodePng(size, size, (x, y) => {
    if (y >= bandTop) return accent;
    const dx = x - cx;
    const dy = y - cy;
    if (dx * dx + dy * dy <= radius * radius) return accent;
    return background;
  });
}
