import type { AddressSnapshot } from '@popbox/db';

/** What the order emails show; built from the order row, its items and the payment snapshot. */
export interface OrderEmailData {
  orderId: string;
  publicId: string;
  status: string;
  currency: string;
  totalCents: number;
  paidAt: Date | null;
  placedAt: Date | null;
  customer: { email: string | null; fullName: string | null; firstName: string | null };
  shippingAddress: AddressSnapshot | null;
  items: Array<{ name: string; quantity: number; lineTotalCents: number }>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** One line: "Aiko Tanaka, 123 Maple Street, Calgary AB T2P 1J9, CA". */
export function oneLineAddress(a: AddressSnapshot | null): string {
  if (!a) return '—';
  const cityLine = [a.city, a.province, a.postalCode].filter(Boolean).join(' ');
  return [a.fullName, a.line1, a.line2, cityLine, a.countryCode].filter(Boolean).join(', ') || '—';
}
