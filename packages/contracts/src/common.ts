import { z } from 'zod';

export const ZUuid = z.uuid();

/** PostgreSQL `integer` bounds: every integer input maps to such a column, so larger values are a 400. */
export const INT32_MAX = 2_147_483_647;
export const ZCents = z.int().min(0).max(INT32_MAX);
export const ZCurrency = z.literal('CAD');
/** ISO-8601 date-time; impossible dates (2024-02-30) and year 0000, which PostgreSQL refuses, are 400s. */
export const ZIsoDateTime = z.iso.datetime({ offset: true }).refine((v) => {
  const t = Date.parse(v);
  return !Number.isNaN(t) && new Date(t).getUTCFullYear() >= 1 && sameCalendarDate(v, t);
}, 'Invalid date');

/** The Y-M-D written in `v` is the one JS parsed (JS rolls 2024-02-30 over to 1 March; PostgreSQL refuses it). */
function sameCalendarDate(v: string, t: number): boolean {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  const offsetMatch = /([+-])(\d{2}):?(\d{2})$/.exec(v);
  const offsetMs = offsetMatch
    ? (offsetMatch[1] === '-' ? -1 : 1) * (Number(offsetMatch[2]) * 60 + Number(offsetMatch[3])) * 60_000
    : 0;
  const local = new Date(t + offsetMs);
  return local.getUTCFullYear() === y && local.getUTCMonth() + 1 === m && local.getUTCDate() === d;
}

/**
 * Query-string (GET) inputs arrive as strings: numbers use z.coerce (style rule 11). Booleans must not use
 * z.coerce.boolean() ("false" would become true), so they accept exactly "true" / "false".
 *
 * The coercion is a run-time leniency for the REST query string only: the input TYPE is `number` (not
 * z.coerce's default `unknown`), so a typed tRPC client that sends `limit: 'three'` fails to compile (issue 15).
 * The schema itself keeps coercing because trpc-to-openapi force-coerces top-level numbers of REST inputs by
 * mutating the shared schema anyway; coercing on purpose keeps both surfaces accepting the same values from
 * the first request on (rest-coercion.test.ts).
 */
export const ZCoercedInt = () => z.coerce.number<number>({ error: 'Expected an integer' });
export const ZQueryInt = (min: number, max: number) =>
  ZCoercedInt()
    .int({ error: 'Expected an integer' })
    // Own messages: the schema-level one above would otherwise also answer an out-of-range value.
    .min(min, `Must be at least ${min}`)
    .max(max, `Must be at most ${max}`);
export const ZQueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * A JSON integer that must not be coerced from a string. trpc-to-openapi force-coerces top-level number
 * fields of REST inputs; a pipe is left alone, so settings like shipping (B16) stay strict. Bounded by the
 * `integer` column it lands in (a value past it answered 500 from PostgreSQL).
 */
export const ZStrictInt = (min = 0, max = INT32_MAX) => {
  const bounded = () => z.int().min(min).max(max);
  // Both sides bounded, so the OpenAPI document states the range for requests and responses alike.
  return bounded().pipe(bounded());
};
export const ZStrictBoolean = z.boolean().pipe(z.boolean());

export const ZDeleted = z.object({ id: ZUuid, deleted: z.literal(true) });

export const ZAdminSession = z.object({ userId: ZUuid, email: z.string() });
