import type { Request } from 'express';

interface SchemaDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  shape?: Record<string, Schema>;
}
interface Schema {
  _zod: { def: SchemaDef };
}
type Procedures = Record<string, { _def: { meta?: { openapi?: { method?: string } }; inputs: Schema[] } }>;

/** Whether a field schema accepts a list (`tagIds` as repeated and/or comma-separated values). */
function acceptsList(schema: Schema | undefined): boolean {
  const def = schema?._zod.def;
  if (!def) return false;
  if (def.type === 'array') return true;
  if (def.type === 'union') return (def.options ?? []).some(acceptsList);
  return acceptsList(def.innerType ?? def.in);
}

/** Names of the list-valued query parameters of the REST GET/DELETE operations. */
export function listQueryParams(procedures: Procedures): Set<string> {
  const names = new Set<string>();
  for (const procedure of Object.values(procedures)) {
    const method = procedure._def.meta?.openapi?.method;
    if (method !== 'GET' && method !== 'DELETE') continue;
    for (const input of procedure._def.inputs) {
      let object: Schema | undefined = input;
      while (object && !object._zod.def.shape) object = object._zod.def.innerType ?? object._zod.def.in;
      for (const [name, field] of Object.entries(object?._zod.def.shape ?? {})) {
        if (acceptsList(field)) names.add(name);
      }
    }
  }
  return names;
}

/**
 * trpc-to-openapi drops empty query values, so `?tagIds=` read as "no filter" and answered everything. A
 * list parameter that is present but empty reaches the schema instead (which answers 400); scalar
 * parameters keep the adapter's lenient reading, which clients rely on.
 */
export function keepEmptyListParams(req: Request, names: Set<string>): void {
  const query = req.query as Record<string, unknown>;
  const empty = [...names].filter((name) => query[name] === '');
  if (!empty.length) return;
  const kept = { ...query };
  // A one-element array survives the adapter's truthiness filter and is unwrapped to '' again.
  for (const name of empty) kept[name] = [''];
  Object.defineProperty(req, 'query', { value: kept, configurable: true, enumerable: true });
}
