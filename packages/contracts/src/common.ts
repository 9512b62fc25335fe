import { z } from 'zod';

export const ZUuid = z.uuid();
export const ZCents = z.int().min(0);
export const ZCurrency = z.literal('CAD');
export const ZIsoDateTime = z.iso.datetime({ offset: true });

/**
 * Query-string (GET) inputs arrive as strings: numbers use z.coerce (style rule 11). Booleans must not use
 * z.coerce.boolean() ("false" would become true), so they accept exactly "true" / "false".
 */
export const ZQueryInt = (min: number, max: number) =>
  z.coerce.number({ error: 'Expected an integer' }).int({ error: 'Expected an integer' }).min(min).max(max);
export const ZQueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * A JSON integer that must not be coerced from a string. trpc-to-openapi force-coerces top-level number
 * fields of REST inputs; a pipe is left alone, so settings like shipping (B16) stay strict.
 */
export const ZStrictInt = (min = 0) => z.int().min(min).pipe(z.int());
export const ZStrictBoolean = z.boolean().pipe(z.boolean());

export const ZDeleted = z.object({ id: ZUuid, deleted: z.literal(true) });

export const ZAdminSession = z.object({ userId: ZUuid, email: z.string() });
