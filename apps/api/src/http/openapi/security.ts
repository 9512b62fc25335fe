import { GUEST_COOKIE } from '../guest-cookie.js';

/**
 * The three ways a caller is recognised (rest-operations.md "auth"), as OpenAPI security schemes. Each
 * router tier has exactly one, so generated clients send the bearer token only to admin operations and the
 * guest cookie only to order operations; public operations declare none.
 */
export const SECURITY_SCHEMES = {
  Authorization: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Supabase access token of a staff user with role `admin` (admin tier, spec B12).',
  },
  [GUEST_COOKIE]: {
    type: 'apiKey',
    in: 'cookie',
    name: GUEST_COOKIE,
    description:
      'HttpOnly guest order session (order tier, spec B10), set by `GET /api/v1/orders/{publicId}/access` ' +
      '(the emailed link) or by `GET /api/v1/checkout/success` once the order is paid.',
  },
} as const;

export type Security = Array<Record<string, string[]>>;

/** Anyone (an explicit empty list: "no credentials needed", not "inherit a default"). */
export const PUBLIC_SECURITY = (): Security => [];
export const GUEST_SECURITY = (): Security => [{ [GUEST_COOKIE]: [] }];
export const ADMIN_SECURITY = (): Security => [{ Authorization: [] }];

/** The tiers of `appRouter` (init.ts: publicProcedure, orderProcedure, adminProcedure) and what each needs. */
export const TIER_SECURITY = {
  public: PUBLIC_SECURITY,
  order: GUEST_SECURITY,
  admin: ADMIN_SECURITY,
} as const;

export type Tier = keyof typeof TIER_SECURITY;

export function isTier(value: string): value is Tier {
  return Object.hasOwn(TIER_SECURITY, value);
}
