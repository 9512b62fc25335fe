import fc from 'fast-check';
import {
  BAD_PERCENT,
  encodeParam,
  hostileId,
  hostileString,
  hostileValue,
  toJsonText,
  toParamText,
  validValue,
  type JsonSchema,
  type Pools,
  type Tagged,
} from './fuzz-values.js';
import { hardInputs, mutated, NUL_STRING } from './fuzz-mutations.js';
import {
  garbageBody,
  hostileHeader,
  multipartBody,
  validMultipart,
  withBody,
  type RawBody,
} from './fuzz-bodies.js';
import { fitsUrl, type FuzzRequest, type Surface } from './fuzz-run.js';

/** Fuzz cases per REST operation, derived from the OpenAPI document. */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export interface RestOperation {
  key: string;
  method: string;
  path: string;
  op: Operation;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document (full paths: its one server is the origin). */
export function restOperations(doc: { paths: Record<string, Record<string, Operation>> }): RestOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        op,
      })),
  );
}

/** The document's paths are full paths on its one server, the origin. */
const urlOf = (path: string) => path;

const MAX_PARAM = 3_000;
const validPathParam = (p: Parameter, pools: Pools): fc.Arbitrary<Tagged<string>> =>
  validValue(p.schema ?? { type: 'string' }, pools, p.name).map((v) => ({
    tag: 'valid',
    value: encodeParam(toParamText(v)),
  }));

/** Hostile path segments, already URL-encoded. */
const pathParam = (p: Parameter, pools: Pools): fc.Arbitrary<Tagged<string>> =>
  fc
    .oneof(
      {
        weight: 2,
        arbitrary: validValue(p.schema ?? { type: 'string' }, pools, p.name).map((v) => ({
          tag: 'valid',
          value: toParamText(v),
        })),
      },
      { weight: 2, arbitrary: hostileId() },
      { weight: 2, arbitrary: hostileString({ maxLength: 600 }) },
    )
    .map((t) => ({ tag: t.tag, value: encodeParam(t.value) }))
    .chain((t) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(t) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...BAD_PERCENT)
            .map((bad) => ({ tag: 'bad-percent-encoding', value: bad })),
        },
      ),
    );

function validHeader(name: string): string {
  if (name === 'stripe-signature') return 't=1700000000,v1=deadbeef';
  return 'k-7c1f0a52-fuzz';
}

const headerParam = (p: Parameter): fc.Arbitrary<Tagged<string | undefined>> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ tag: 'valid', value: validHeader(p.name) }) },
    { weight: 1, arbitrary: fc.constant({ tag: 'missing-header', value: undefined }) },
    { weight: 2, arbitrary: hostileHeader() },
  );

function querySchema(params: Parameter[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? { type: 'string' }])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

function queryString(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `?${encodeParam(toParamText(value).slice(0, MAX_PARAM))}`;
  }
  const q = new URLSearchParams();
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    for (const item of Array.isArray(v) ? v : [v]) q.append(key, toParamText(item).slice(0, MAX_PARAM));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Identity headers: the admin's bearer token, or none / a bogus one for the anonymous caller. */
function identity(
  surface: Surface,
  adminToken: string,
  valid = false,
): fc.Arbitrary<Tagged<Record<string, string>>> {
  if (surface === 'REST admin')
    return fc.constant({ tag: 'valid', value: { authorization: `Bearer ${adminToken}` } });
  if (valid) return fc.constant({ tag: 'valid', value: {} });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ tag: 'valid', value: {} }) },
    {
      weight: 1,
      arbitrary: hostileHeader().map((h) => ({
        tag: `bogus-auth+${h.tag}`,
        value: { authorization: `Bearer ${h.value}` },
      })),
    },
    {
      weight: 1,
      arbitrary: hostileHeader().map((h) => ({
        tag: `bogus-cookie+${h.tag}`,
        value: { cookie: `popbox_guest=${h.value}` },
      })),
    },
  );
}

const tagOf = (parts: Tagged<unknown>[], names: string[] = []) =>
  parts
    .map((p, i) => (p.tag === 'valid' ? '' : names[i] ? `${p.tag.split('@')[0]}@${names[i]}` : p.tag))
    .filter(Boolean)
    .join(' + ') || 'valid';

/** Generated requests for one REST operation as one identity. */
export function restCases(
  operation: RestOperation,
  surface: 'REST anonymous' | 'REST admin',
  adminToken: string,
  pools: Pools,
  onlyValid = false,
): fc.Arbitrary<FuzzRequest> {
  const params = operation.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const headerParams = params.filter((p) => p.in === 'header');
  const content = operation.op.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const isMultipart = 'multipart/form-data' in content;
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(operation.method);

  type Part<T> = { valid: fc.Arbitrary<Tagged<T>>; hostile: fc.Arbitrary<Tagged<T>> };
  const pathPart = (hostile: boolean) =>
    fc
      .tuple(...pathParams.map((p) => (hostile ? pathParam(p, pools) : validPathParam(p, pools))))
      .map((values) => {
        let url = urlOf(operation.path);
        pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, values[i]!.value)));
        return {
          tag: tagOf(
            values,
            pathParams.map((p) => p.name),
          ),
          value: url,
        };
      });
  const badQuery = fc
    .tuple(
      fc.constantFrom(...(queryParams.length ? queryParams.map((p) => p.name) : ['x'])),
      fc.constantFrom(...BAD_PERCENT),
    )
    .map(([name, bad]) => ({ tag: 'bad-percent-encoding', value: `?${name}=${bad}` }));
  const qSchema = querySchema(queryParams);
  const query: Part<string> = {
    valid: validValue(qSchema, pools).map((v) => ({ tag: 'valid', value: queryString(v) })),
    hostile: queryParams.length
      ? fc.oneof(
          {
            weight: 8,
            arbitrary: mutated(qSchema, pools, { inUrl: true }).map((t) => ({
              tag: t.tag,
              value: queryString(t.value),
            })),
          },
          { weight: 1, arbitrary: badQuery },
        )
      : fc.oneof(
          badQuery,
          hostileValue(true).map((t) => ({
            tag: `unknown-query+${t.tag}`,
            value: queryString({ x: t.value }),
          })),
        ),
  };
  const headerPart = (hostile: boolean) =>
    fc
      .tuple(
        hostile ? identity(surface, adminToken) : identity(surface, adminToken, true),
        ...headerParams.map((p) =>
          hostile ? headerParam(p) : fc.constant({ tag: 'valid', value: validHeader(p.name) }),
        ),
      )
      .map(([who, ...values]) => {
        const h: Record<string, string> = { ...who.value };
        headerParams.forEach((p, i) => {
          if (values[i]!.value !== undefined) h[p.name] = values[i]!.value!;
        });
        return { tag: tagOf([who, ...values], ['', ...headerParams.map((p) => p.name)]), value: h };
      });

  const noBody = fc.constant({ tag: 'valid', value: undefined });
  let body: Part<RawBody | undefined> = { valid: noBody, hostile: noBody };
  const jsonBody = (t: Tagged<unknown>) => ({
    tag: t.tag,
    value: { contentType: 'application/json', body: toJsonText(t.value) } as RawBody,
  });
  if (isMultipart) {
    const [files, texts] = formFields(content['multipart/form-data']?.schema);
    body = { valid: validMultipart(files, texts), hostile: multipartBody(files, texts) };
  } else if (hasBody && jsonSchema) {
    body = {
      valid: validValue(jsonSchema, pools).map((value) => jsonBody({ tag: 'valid', value })),
      hostile: fc.oneof(
        { weight: 5, arbitrary: mutated(jsonSchema, pools).map(jsonBody) },
        { weight: 2, arbitrary: garbageBody() },
      ),
    };
  } else if (hasBody) {
    body = {
      valid: noBody,
      hostile: fc.oneof(
        hostileValue().map((t) => jsonBody({ tag: `unexpected-body+${t.tag}`, value: t.value })),
        garbageBody(),
      ),
    };
  }

  // Mostly one hostile part per request (the others valid), so each case reaches as deep as it can and
  // names what broke; sometimes everything at once.
  const focuses = (['path', 'query', 'headers', 'body', 'all'] as const).filter(
    (f) => (f !== 'path' || pathParams.length) && (f !== 'body' || hasBody || isMultipart),
  );
  const focus: fc.Arbitrary<string> = onlyValid
    ? fc.constant('none')
    : fc.oneof(...focuses.map((f) => ({ weight: f === 'body' ? 3 : 1, arbitrary: fc.constant(f) })));
  return focus
    .chain((focus) => {
      const hostile = (part: string) => focus === part || focus === 'all';
      return fc.tuple(
        pathPart(hostile('path')),
        hostile('query') ? query.hostile : query.valid,
        headerPart(hostile('headers')),
        hostile('body') ? body.hostile : body.valid,
      );
    })
    .map(([p, q, h, b]): FuzzRequest => ({
      surface,
      operation: operation.key,
      tag: tagOf([p, q, h, b]),
      method: operation.method,
      url: p.value + q.value,
      headers: b.value ? withBody(h.value, b.value) : h.value,
      ...(b.value ? { body: b.value.body } : {}),
    }))
    .filter(fitsUrl);
}

/**
 * Fixed variants of one valid REST request: prototype keys, deep nesting, NUL in every string, int
 * overflow in every number (body or query), a NUL in every path parameter, and truncated multipart.
 */
export function hardRestCases(valid: FuzzRequest, operation: RestOperation): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const variant = (tag: string, patch: Partial<FuzzRequest>) => out.push({ ...valid, tag, ...patch });
  const [pathPart, query = ''] = valid.url.split('?') as [string, string?];
  const ct = valid.headers['content-type'] ?? '';
  if (ct.startsWith('multipart/') && valid.body instanceof Uint8Array) {
    const b = valid.body;
    variant('truncated-multipart', { body: b.subarray(0, Math.floor(b.length / 2)) });
    variant('truncated-multipart', { body: b.subarray(0, b.length - 10) });
  } else if (valid.body !== undefined || !['GET', 'HEAD', 'DELETE'].includes(valid.method)) {
    const parsed: unknown = typeof valid.body === 'string' ? JSON.parse(valid.body) : {};
    const headers = { ...valid.headers, 'content-type': 'application/json' };
    for (const h of hardInputs(parsed, false)) variant(h.tag, { headers, body: h.value });
  }
  const params = new URLSearchParams(query);
  const queryNames = (operation.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  if (queryNames.length) {
    const nul = new URLSearchParams(params);
    for (const name of queryNames) nul.set(name, NUL_STRING);
    variant('nul@query', { url: `${pathPart}?${nul.toString()}` });
    const proto = new URLSearchParams(params);
    proto.append('__proto__[polluted]', 'true');
    proto.append('constructor', 'x');
    variant('proto-key@query', { url: `${pathPart}?${proto.toString()}` });
  }
  if (operation.path.includes('{')) {
    let url = urlOf(operation.path).replace(/\{[^}]+\}/g, 'a%00b');
    if (query) url += `?${query}`;
    variant('nul@path', { url });
  }
  return out;
}

/** File fields (binary, or arrays of binary) and text fields of a multipart schema. */
function formFields(schema: JsonSchema | undefined): [string[], string[]] {
  const props = Object.entries(schema?.properties ?? {});
  const isFile = (s: JsonSchema) => s.format === 'binary' || s.items?.format === 'binary';
  return [
    props.filter(([, s]) => isFile(s)).map(([k]) => k),
    props.filter(([, s]) => !isFile(s)).map(([k]) => k),
  ];
}
