import type { LegalDocumentType } from '../schema/enums.js';

export const ADMIN_USER = {
  id: '00000000-0000-4000-8000-00000000a001',
  email: 'admin@popbox.local',
} as const;

export const SEED_VERSION_KEY = 'seed_version';
export const SEED_VERSION = 1;

export const SHIPPING_SETTING = {
  flatShippingCents: 1200,
  freeShippingThresholdCents: 14900,
  currency: 'CAD',
} as const;

/**
 * The spec's seeded banner quotes a $15.99 flat rate while the seeded shipping setting is 1200 cents; the
 * copy here quotes the real $12 so the demo does not contradict itself.
 */
export const STORE_BANNER_SETTING = {
  enabled: true,
  items: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      message: 'Free shipping across Canada on orders over $149 CAD. Flat $12 shipping on everything else.',
      linkLabel: 'Shipping details',
      linkHref: '/legal/shipping-returns',
      sortOrder: 0,
      isActive: true,
    },
  ],
};

export const LEGAL_DOCUMENTS: readonly { type: LegalDocumentType; content: string }[] = [
  {
    type: 'shipping_returns',
    content: `# Shipping & Returns

We ship from Calgary, Alberta to addresses in Canada only.

- Orders of $149 CAD or more (before tax) ship free. Other orders ship at a flat rate of $12 CAD.
- In-stock items leave our studio within 2 business days; you will receive tracking by email.
- All sales are final. If an item arrives damaged or incorrect, contact us within 14 days of delivery with
  your order number and photos, and we will replace it or refund you.
- Ichiban Kuji tickets cannot be returned or refunded once a ticket has been revealed.`,
  },
  {
    type: 'terms',
    content: `# Terms of Service

By placing an order with PopBox Studio you agree to these terms.

1. Prices are in Canadian dollars and include no tax until checkout, where applicable taxes are calculated.
2. Payment is processed securely by our payment provider; we never see your full card details.
3. Ichiban Kuji: each ticket is one draw from a finite, publicly listed prize pool. The prize for every
   ticket is fixed when your payment is confirmed; revealing it only shows you the result.
4. We may cancel an order we cannot fulfil, in which case you are refunded in full.
5. These terms are governed by the laws of the Province of Alberta.`,
  },
  {
    type: 'privacy',
    content: `# Privacy Policy

We collect only what we need to fulfil your order: your name, email address, shipping and billing address
and phone number, as collected during checkout.

- We use this information to ship your order, send order and shipping updates, and answer your questions.
- We do not sell your information. We share it only with the services that process payments, deliver email
  and ship parcels on our behalf.
- You can ask us for a copy of your information, or ask us to delete it, by writing to our support address.`,
  },
];

export const FAQ_ITEMS: readonly {
  question: string;
  answer: string;
  category: string | null;
  isPublished: boolean;
}[] = [
  {
    question: 'How long does shipping take?',
    answer:
      'In-stock orders leave our studio within 2 business days. Most parcels arrive within 3 to 7 business days.',
    category: 'Shipping',
    isPublished: true,
  },
  {
    question: 'Do you ship outside Canada?',
    answer: 'Not yet. We currently ship to Canadian addresses only.',
    category: 'Shipping',
    isPublished: true,
  },
  {
    question: 'How does Ichiban Kuji work?',
    answer:
      'Each ticket is one blind draw from the prize board. Every ticket wins a prize, and the buyer of the final ticket also wins the Last One prize. Reveal your tickets on your order page.',
    category: 'Ichiban Kuji',
    isPublished: true,
  },
  {
    question: 'Can I check that a kuji board is fair?',
    answer:
      'Yes. Every board publishes a commitment to its shuffled deck before tickets go on sale, and reveals the seed once the board sells out, so anyone can recompute the deck.',
    category: 'Ichiban Kuji',
    isPublished: true,
  },
  {
    question: 'How do I see my order after checkout?',
    answer: 'Use the secure link in your confirmation email. It opens your order page without an account.',
    category: 'Orders',
    isPublished: true,
  },
  {
    question: 'Will you restock sold-out figures?',
    answer: 'Sometimes. Restocks depend on our suppliers; follow the New Arrivals collection for updates.',
    category: 'Orders',
    isPublished: false,
  },
];
