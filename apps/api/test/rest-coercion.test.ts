import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/trpc/app-router.js';

/**
 * trpc-to-openapi force-coerces every top-level number/boolean/date field of a REST input schema (mutating
 * the shared schema, so tRPC would then coerce too, but only after the first REST call). Every such field must
 * therefore coerce on purpose (`z.coerce`, query inputs) or be a pipe the adapter leaves alone
 * (`ZStrictInt`/`ZStrictBoolean`, JSON bodies): then both surfaces accept exactly the same inputs.
 */
type Schema = {
  _zod: { def: { type: string; coerce?: boolean; innerType?: Schema; shape?: Record<string, Schema> } };
};

function unwrap(schema: Schema): Schema {
  const def = schema._zod.def;
  if (['optional', 'nullable', 'default', 'prefault'].includes(def.type) && def.innerType)
    return unwrap(def.innerType);
  return schema;
}

describe('REST inputs coerce exactly as tRPC inputs do', () => {
  it('has no top-level number/boolean/date field that the REST adapter would silently start coercing', () => {
    const offenders: string[] = [];
    const coercing: string[] = [];
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { meta?: { openapi?: unknown }; inputs: Schema[] } }
    >;
    for (const [path, procedure] of Object.entries(procedures)) {
      if (!procedure._def.meta?.openapi) continue;
      for (const input of procedure._def.inputs) {
        const object = unwrap(input);
        for (const [field, fieldSchema] of Object.entries(object._zod.def.shape ?? {})) {
          const inner = unwrap(fieldSchema)._zod.def;
          if (!['number', 'boolean', 'date', 'bigint'].includes(inner.type)) continue;
          (inner.coerce ? coercing : offenders).push(`${path}.${field}`);
        }
      }
    }
    expect(offenders).toEqual([]);
    // The walk really sees the schemas: GET inputs such as the listing's `limit` coerce on purpose.
    expect(coercing).toContain('public.catalog.listProducts.limit');
  });
});
