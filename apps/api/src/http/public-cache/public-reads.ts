import type { AnyTRPCRouter } from '@trpc/server';
import type { Meta } from '../../trpc/init.js';

/**
 * Issue 14: which requests are anonymous public reads, derived from the router itself (so a new procedure is
 * classified the day it is added): every `query` under `public.` is one, except the personal ones listed
 * below. Everything else — mutations, subscriptions, the order and admin tiers — is personal or a write.
 */

/** Public queries that read a caller's own data or set a cookie: never shared, never cached. */
export const PERSONAL_PUBLIC_QUERIES: ReadonlySet<string> = new Set([
  // Polled after payment with the Stripe session id; grants the guest cookie of that order.
  'public.checkout.success',
]);

/**
 * Public reads that show no stock, kuji count or trending signal: every change to them bumps the public-read
 * version, so they may live long. Every other public read is volatile (expires within a second) — the safe
 * default for a procedure added later.
 */
export const STABLE_PUBLIC_QUERIES: ReadonlySet<string> = new Set([
  'public.catalog.listCollections',
  'public.catalog.listTags',
  'public.content.storeBanner',
  'public.content.listLegal',
  'public.content.listFaq',
  'public.content.getLegal',
]);

export interface PublicRead {
  /** The procedure path(s) (a tRPC batch may carry several). */
  procedures: string[];
  /** Shows stock, kuji counts or trending: cached for about a second at most. */
  volatile: boolean;
}

interface RestRoute {
  pattern: RegExp;
  procedure: string;
}

interface ProcedureDef {
  _def: { type?: string; meta?: Meta };
}

export class PublicReadCatalog {
  /** Cacheable procedure path → volatile. */
  readonly cacheable = new Map<string, boolean>();
  /** Every REST GET operation, in registration order (the order trpc-to-openapi matches them in). */
  private readonly restGets: RestRoute[] = [];

  constructor(router: AnyTRPCRouter) {
    const procedures = router._def.procedures as Record<string, ProcedureDef>;
    for (const [path, procedure] of Object.entries(procedures)) {
      const { type, meta } = procedure._def;
      if (type === 'query' && path.startsWith('public.') && !PERSONAL_PUBLIC_QUERIES.has(path)) {
        this.cacheable.set(path, !STABLE_PUBLIC_QUERIES.has(path));
      }
      const openapi = meta?.openapi;
      if (type !== 'subscription' && openapi && openapi.enabled !== false && openapi.method === 'GET') {
        this.restGets.push({ pattern: restPattern(openapi.path), procedure: path });
      }
    }
  }

  /** The tRPC calls of one request, when every one of them is a cacheable public query. */
  trpc(calls: readonly string[]): PublicRead | undefined {
    if (calls.length === 0 || !calls.every((c) => this.cacheable.has(c))) return undefined;
    return { procedures: [...calls], volatile: calls.some((c) => this.cacheable.get(c)) };
  }

  /** A REST GET path (after /api/v1), when the operation it resolves to is a cacheable public query. */
  rest(path: string): PublicRead | undefined {
    const normalised = `/${path.replace(/^\/|\/$/g, '')}`;
    const route = this.restGets.find((r) => r.pattern.test(normalised));
    if (!route || !this.cacheable.has(route.procedure)) return undefined;
    return { procedures: [route.procedure], volatile: this.cacheable.get(route.procedure)! };
  }
}

/** trpc-to-openapi's own matching: `{param}` is one segment, case-insensitive, anchored. */
function restPattern(template: string): RegExp {
  const normalised = `/${template.replace(/^\/|\/$/g, '')}`;
  const escaped = normalised
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`, 'i');
}
