import type { ErrorCode } from '@popbox/contracts/errors';
import type { AppRouter } from '../../trpc/app-router.js';
import type { Meta } from '../../trpc/init.js';
import { errorResponses, type ResponseObject } from './responses.js';
import { EXTRA_SUCCESS, PROCEDURE_ERRORS } from './procedure-errors.js';
import { isTier, TIER_SECURITY, type Tier } from './security.js';

/** Where the REST surface is mounted (app.ts); procedure paths in the meta are relative to it. */
export const REST_BASE = '/api/v1';

type OpenApi = NonNullable<Meta['openapi']>;
type Operation = Record<string, unknown> & { responses: Record<string, ResponseObject> };
export type PathItems = Record<string, Record<string, Operation>>;

interface RestProcedure {
  /** `tier.area.verb`, e.g. `public.checkout.createSession`. */
  name: string;
  tier: Tier;
  type: string;
  openapi: OpenApi;
  successStatus: number;
}

/** Every procedure exposed on REST, with its tier read from its place in `appRouter` (public./order./admin.). */
export function restProcedures(router: AppRouter): RestProcedure[] {
  const procedures = router._def.procedures as unknown as Record<
    string,
    { _def: { type: string; meta?: Meta } }
  >;
  return Object.entries(procedures).flatMap(([name, procedure]) => {
    const meta = procedure._def.meta;
    if (!meta?.openapi || meta.openapi.enabled === false) return [];
    const tier = name.split('.')[0] ?? '';
    if (!isTier(tier)) throw new Error(`OpenAPI: procedure ${name} is outside the public/order/admin tiers`);
    return [
      {
        name,
        tier,
        type: procedure._def.type,
        openapi: meta.openapi,
        successStatus: meta.successStatus ?? 200,
      },
    ];
  });
}

/**
 * The procedures' operations as trpc-to-openapi generated them, corrected in one place: full paths (one
 * server URL for the whole document), the security of the procedure's tier (the library marks every
 * operation with every scheme unless told otherwise per procedure), the success status REST really answers
 * (meta `successStatus`, 201/202), and the error statuses with our error body (the library documents
 * `{ message, code, issues }`, a shape this API never sends).
 */
export function documentProcedures(router: AppRouter, generated: PathItems): PathItems {
  const out: PathItems = {};
  const documented = new Set<string>();
  for (const procedure of restProcedures(router)) {
    const path = `/${procedure.openapi.path.replace(/^\/|\/$/g, '')}`;
    const method = procedure.openapi.method.toLowerCase();
    const operation = generated[path]?.[method];
    if (!operation) throw new Error(`OpenAPI: no generated operation for ${procedure.name}`);
    const success = operation.responses['200'];
    if (!success) throw new Error(`OpenAPI: no success response for ${procedure.name}`);
    const extra = Object.entries(EXTRA_SUCCESS[procedure.name] ?? {}).map(([status, description]) => [
      status,
      { ...success, description },
    ]);
    const codes = [...baselineCodes(procedure), ...(PROCEDURE_ERRORS[procedure.name] ?? [])];
    out[`${REST_BASE}${path}`] = {
      ...out[`${REST_BASE}${path}`],
      [method]: {
        ...operation,
        security: TIER_SECURITY[procedure.tier](),
        responses: {
          [procedure.successStatus]: success,
          ...Object.fromEntries(extra),
          ...errorResponses(codes),
        },
      },
    };
    documented.add(procedure.name);
  }
  const stale = [...Object.keys(PROCEDURE_ERRORS), ...Object.keys(EXTRA_SUCCESS)].filter(
    (name) => !documented.has(name),
  );
  if (stale.length) throw new Error(`OpenAPI: status table names unknown procedures: ${stale.join(', ')}`);
  return out;
}

/** What every procedure of a kind can answer, whatever its use case. */
function baselineCodes({ tier, type, openapi }: RestProcedure): ErrorCode[] {
  const hasBody = openapi.method !== 'GET' && openapi.method !== 'DELETE';
  const hasPathParams = openapi.path.includes('{');
  return [
    // Schemas, the input sanitiser and non-canonical paths (400); JSON bodies: parse errors, 1 MB, content type.
    'VALIDATION_FAILED',
    'BAD_REQUEST',
    ...(hasBody ? (['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) : []),
    ...(tier === 'order' ? (['ORDER_ACCESS_DENIED'] as const) : []),
    ...(tier === 'admin' ? (['UNAUTHENTICATED', 'FORBIDDEN', 'ADMIN_NOT_PROVISIONED'] as const) : []),
    // A path parameter names a row; in the order tier an unknown order is a 401 like a bad session (B10).
    ...(hasPathParams && tier !== 'order' ? (['NOT_FOUND'] as const) : []),
    // The global limit counts every /api/v1 request.
    'RATE_LIMITED',
    'INTERNAL',
    // Anonymous reads queue at the read gate, which sheds with 503 + Retry-After.
    ...(tier === 'public' && type === 'query' ? (['DEPENDENCY_UNAVAILABLE'] as const) : []),
  ];
}
