import type { Rgb } from './png.js';

/** Invented series (no real trademarks). `colors` drive the placeholder images. */
export const SERIES = {
  bakery: {
    name: 'Starlight Bakery Club',
    colors: [
      [252, 214, 170],
      [196, 92, 62],
    ],
  },
  ronin: {
    name: 'Mecha Ronin Kaze',
    colors: [
      [58, 70, 92],
      [230, 72, 60],
    ],
  },
  fox: {
    name: 'Moonlit Fox Shrine',
    colors: [
      [34, 40, 82],
      [246, 196, 92],
    ],
  },
  slime: {
    name: 'Pocket Slime Academy',
    colors: [
      [186, 236, 196],
      [64, 150, 110],
    ],
  },
  courier: {
    name: 'Neon Courier 2099',
    colors: [
      [28, 22, 46],
      [255, 64, 196],
    ],
  },
  whale: {
    name: 'Cloud Whale Voyage',
    colors: [
      [176, 214, 246],
      [56, 96, 170],
    ],
  },
} as const satisfies Record<string, { name: string; colors: readonly [Rgb, Rgb] }>;

export type SeriesKey = keyof typeof SERIES;

/** Category tags; `collection` is the shelf the category lives on, `band` varies the image. */
export const CATEGORIES = {
  figure: { name: 'Scale Figures', collection: 'figures-statues', band: 0, threshold: 2 },
  plush: { name: 'Plush', collection: 'plush-soft-goods', band: 1, threshold: 5 },
  acrylic: { name: 'Acrylic Stands', collection: 'acrylic-charms', band: 2, threshold: 5 },
  keychain: { name: 'Keychains', collection: 'acrylic-charms', band: 3, threshold: 8 },
  apparel: { name: 'Apparel', collection: 'apparel', band: 4, threshold: 4 },
  print: { name: 'Art Prints', collection: 'prints-stationery', band: 5, threshold: 5 },
  stationery: { name: 'Stationery', collection: 'prints-stationery', band: 6, threshold: 10 },
  kuji: { name: 'Ichiban Kuji', collection: 'ichiban-kuji', band: 7, threshold: 10 },
} as const;

export type CategoryKey = keyof typeof CATEGORIES;

export const COLLECTIONS = [
  { slug: 'featured', name: 'Featured', description: 'Staff picks and this month\u2019s highlights.' },
  { slug: 'new-arrivals', name: 'New Arrivals', description: 'Fresh off the container from Osaka.' },
  { slug: 'figures-statues', name: 'Figures & Statues', description: 'Scale figures and display pieces.' },
  { slug: 'plush-soft-goods', name: 'Plush & Soft Goods', description: 'Huggable, squishable, giftable.' },
  { slug: 'acrylic-charms', name: 'Acrylic & Charms', description: 'Stands, keychains and bag charms.' },
  { slug: 'apparel', name: 'Apparel', description: 'Hoodies and tees with series artwork.' },
  {
    slug: 'prints-stationery',
    name: 'Prints & Stationery',
    description: 'Art prints, stickers and paper goods.',
  },
  { slug: 'ichiban-kuji', name: 'Ichiban Kuji', description: 'Lottery boards: every ticket wins a prize.' },
] as const;

export type ProductSeedStatus = 'active' | 'draft' | 'archived';

export interface StandardProductSeed {
  name: string;
  series: SeriesKey;
  category: CategoryKey;
  priceCents: number;
  onHand: number;
  status?: ProductSeedStatus;
  featured?: boolean;
}

/** Table-style row: name, series, category, price (cents), stock on hand, and optional flags. */
function p(
  name: string,
  series: SeriesKey,
  category: CategoryKey,
  priceCents: number,
  onHand: number,
  extra: { status?: ProductSeedStatus; featured?: boolean } = {},
): StandardProductSeed {
  return { name, series, category, priceCents, onHand, ...extra };
}

/**
 * 45 standard products: 40 active (a few low on stock, three sold out), 3 drafts, 2 archived.
 * Listed oldest first; the seed spreads their created_at over the six months before the seed epoch.
 */
export const STANDARD_PRODUCTS: readonly StandardProductSeed[] = [
  p('Mochi the Bakery Cat 1/7 Scale Figure', 'bakery', 'figure', 15900, 6),
  p('Captain Croissant Plush', 'bakery', 'plush', 3400, 24),
  p('Mochi Acrylic Stand', 'bakery', 'acrylic', 1990, 40, { featured: true }),
  p('Starlight Bakery Rubber Keychain Set', 'bakery', 'keychain', 1200, 3),
  p('Starlight Bakery Club Apron Tee', 'bakery', 'apparel', 4200, 18),
  p('Midnight Oven Art Print (A3)', 'bakery', 'print', 2500, 30),
  p('Pastry Sticker Sheet', 'bakery', 'stationery', 700, 0),
  p('Kaze Battle Stance 1/8 Scale Figure', 'ronin', 'figure', 18900, 2, { featured: true }),
  p('Unit Tetsu-7 Plush', 'ronin', 'plush', 3900, 15),
  p('Kaze Acrylic Stand', 'ronin', 'acrylic', 2200, 35),
  p('Tetsu-7 Metal Keychain', 'ronin', 'keychain', 1400, 50),
  p('Mecha Ronin Kaze Hoodie', 'ronin', 'apparel', 6900, 12, { featured: true }),
  p('Steel Blossom Art Print (A3)', 'ronin', 'print', 2800, 20),
  p('Yoru the Fox 1/7 Scale Figure', 'fox', 'figure', 16900, 5, { featured: true }),
  p('Yoru the Fox Big Plush', 'fox', 'plush', 4500, 4, { featured: true }),
  p('Shrine Maiden Akari Acrylic Stand', 'fox', 'acrylic', 2100, 28),
  p('Fox Mask Bag Charm', 'fox', 'keychain', 1100, 60),
  p('Moonlit Fox Shrine Festival Tee', 'fox', 'apparel', 4500, 0),
  p('Lantern Path Art Print (A3)', 'fox', 'print', 2600, 14),
  p('Omamori Washi Tape Set', 'fox', 'stationery', 900, 45),
  p('Professor Goo 1/7 Scale Figure', 'slime', 'figure', 13900, 7),
  p('Pip the Slime Mochi Plush', 'slime', 'plush', 2800, 33, { featured: true }),
  p('Pocket Slime Class Photo Acrylic Stand', 'slime', 'acrylic', 2400, 2),
  p('Pip the Slime Rubber Keychain', 'slime', 'keychain', 900, 70),
  p('Pocket Slime Academy Crest Hoodie', 'slime', 'apparel', 6500, 9),
  p('Slime Homework Notebook', 'slime', 'stationery', 800, 26),
  p('Rikka Night Run 1/7 Scale Figure', 'courier', 'figure', 17900, 3),
  p('Courier Drone K9 Plush', 'courier', 'plush', 3600, 19),
  p('Rikka Acrylic Stand', 'courier', 'acrylic', 2000, 0, { featured: true }),
  p('Neon Courier Parcel Keychain', 'courier', 'keychain', 1300, 38),
  p('Neon Courier 2099 Windbreaker', 'courier', 'apparel', 8900, 6),
  p('District 9 Skyline Art Print (A2)', 'courier', 'print', 3500, 11),
  p('Sora and Nagi 1/8 Scale Figure', 'whale', 'figure', 14900, 4),
  p('Old Whale Nagi Cushion Plush', 'whale', 'plush', 4900, 13),
  p('Sora Acrylic Stand', 'whale', 'acrylic', 1900, 31),
  p('Cloud Whale Charm Keychain', 'whale', 'keychain', 1000, 44),
  p('Cloud Whale Voyage Crew Tee', 'whale', 'apparel', 4200, 22),
  p('Sky Harbor Art Print (A3)', 'whale', 'print', 2500, 17, { featured: true }),
  p('Cloud Whale Postcard Set', 'whale', 'stationery', 1100, 52),
  p('Mecha Ronin Blueprint Sticker Sheet', 'ronin', 'stationery', 700, 80),
  // Not on sale: drafts being prepared and retired items.
  p('Captain Croissant 1/7 Scale Figure', 'bakery', 'figure', 15900, 0, { status: 'draft' }),
  p('Rikka Holiday Plush', 'courier', 'plush', 3800, 0, { status: 'draft' }),
  p('Pocket Slime Academy Art Print (A3)', 'slime', 'print', 2500, 10, { status: 'draft' }),
  p('Kaze Launch Edition Tee', 'ronin', 'apparel', 3900, 0, { status: 'archived' }),
  p('Yoru Spring Festival Keychain', 'fox', 'keychain', 900, 5, { status: 'archived' }),
];

export interface KujiPrizeSeed {
  code: string;
  tier: string;
  name: string;
  quantity: number;
}

export interface KujiBoardSeed {
  name: string;
  series: SeriesKey;
  priceCents: number;
  description: string;
  featured: boolean;
  prizes: readonly KujiPrizeSeed[];
}

/** Board 1: 80 tickets A–E plus a Last One prize. Board 2: only 4 tickets left to draw ("nearly sold out"). */
export const KUJI_BOARDS: readonly KujiBoardSeed[] = [
  {
    name: 'Moonlit Fox Shrine Ichiban Kuji: Festival Night',
    series: 'fox',
    priceCents: 1200,
    featured: true,
    description:
      'Every ticket wins. 80 tickets across five tiers, and whoever draws the final ticket also takes home the Last One figure.',
    prizes: [
      { code: 'A1', tier: 'A', name: 'Yoru the Fox Festival Night Figure', quantity: 2 },
      { code: 'B1', tier: 'B', name: 'Shrine Maiden Akari Figure', quantity: 3 },
      { code: 'B2', tier: 'B', name: 'Yoru Big Lantern Plush', quantity: 3 },
      { code: 'C1', tier: 'C', name: 'Festival Lantern Acrylic Diorama', quantity: 5 },
      { code: 'C2', tier: 'C', name: 'Fox Mask Wall Replica', quantity: 5 },
      { code: 'D1', tier: 'D', name: 'Night Market Hand Towel', quantity: 10 },
      { code: 'D2', tier: 'D', name: 'Moonlit Glass Tumbler', quantity: 10 },
      { code: 'E1', tier: 'E', name: 'Rubber Keychain (6 designs)', quantity: 15 },
      { code: 'E2', tier: 'E', name: 'Sticker Set', quantity: 15 },
      { code: 'E3', tier: 'E', name: 'Clear File Set', quantity: 12 },
      { code: 'LO', tier: 'LO', name: 'Last One: Moonlit Yoru Special Colour Figure', quantity: 1 },
    ],
  },
  {
    name: 'Cloud Whale Voyage Ichiban Kuji: Sky Harbor',
    series: 'whale',
    priceCents: 950,
    featured: false,
    description: 'The last few tickets of the Sky Harbor board. The final draw wins the Last One prize.',
    prizes: [
      { code: 'A1', tier: 'A', name: 'Sora Sky Harbor Figure', quantity: 1 },
      { code: 'B1', tier: 'B', name: 'Old Whale Nagi Plush', quantity: 1 },
      { code: 'C1', tier: 'C', name: 'Harbor Acrylic Stand', quantity: 2 },
      { code: 'LO', tier: 'LO', name: 'Last One: Nagi Cloud Lamp', quantity: 1 },
    ],
  },
];

/** Short description from the product's category and series. */
export function describe(category: CategoryKey, seriesName: string): string {
  const lines: Record<CategoryKey, string> = {
    figure: `A finely painted scale figure from ${seriesName}, with a themed base. Ships boxed.`,
    plush: `Soft, huggable plush from ${seriesName}, with embroidered details.`,
    acrylic: `Double-sided clear acrylic stand with ${seriesName} artwork and a printed base.`,
    keychain: `Durable ${seriesName} keychain with a metal clasp, ready for your bag.`,
    apparel: `Comfortable cotton-blend apparel featuring original ${seriesName} artwork. Unisex fit.`,
    print: `Museum-grade art print of an original ${seriesName} illustration. Frame not included.`,
    stationery: `${seriesName} stationery for notes, journals and letters.`,
    kuji: `An Ichiban Kuji prize board from ${seriesName}.`,
  };
  return lines[category];
}
