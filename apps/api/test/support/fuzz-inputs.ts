import fc from 'fast-check';

/**
 * Hostile-input generators for the fuzz suite (issue 11): JSON Schema driven "almost valid" values, and
 * mutations that make them wrong. Every generated piece carries a `tag` naming what is hostile about it, so
 * failures group into kinds (`nul`, `deep-nesting`, `proto-key`, …) instead of one line per request.
 */

/** The subset of JSON Schema the OpenAPI document and `z.toJSONSchema` produce. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  not?: unknown;
}

/** Ids, slugs and order numbers of seeded rows: valid-looking values that reach the database. */
export interface Pools {
  ids: string[];
  slugs: string[];
  publicIds: string[];
}

/** Text spliced verbatim into a JSON document (numbers JSON.stringify cannot write, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

export interface Tagged<T> {
  tag: string;
  value: T;
}

// ---------------------------------------------------------------- serialisation

/** JSON text of a value; own `__proto__` keys are kept (JSON.parse creates them as own properties). */
export function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).map(
      (k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`,
    );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Lone surrogates become U+FFFD: `encodeURIComponent` throws on them (bad UTF-8 is sent as raw `%ff`). */
export const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
export const encodeParam = (s: string) => encodeURIComponent(wellFormed(s));

/** Percent-encodings that do not decode to valid UTF-8 (or decode to separators). Already URL text. */
export const BAD_PERCENT = ['%', '%zz', '%ff', '%ED%A0%80', '%C0%AF', 'a%00b', '%2e%2e', '%2F', '%E0%80'];

/** A value as a query-string / path / header text (strings stay as they are). */
export function toParamText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Raw) return value.text;
  return toJsonText(value);
}

/** Sets an own property, `__proto__` included (plain assignment would change the prototype instead). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const deepArray = (depth: number) => new Raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
export const deepObject = (depth: number) => new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

// ---------------------------------------------------------------- hostile values

const tagged = <T>(tag: string, arb: fc.Arbitrary<T>): fc.Arbitrary<Tagged<T>> =>
  arb.map((value) => ({ tag, value }));

const HUGE = 200_000;

export function hostileString(opts: { maxLength?: number } = {}): fc.Arbitrary<Tagged<string>> {
  const cap = (s: string) => (opts.maxLength !== undefined ? s.slice(0, opts.maxLength) : s);
  return fc
    .oneof(
      tagged('empty-string', fc.constantFrom('', ' ', '\t\n', '\u200b')),
      tagged(
        'nul',
        fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => `${a}\u0000${b}`),
      ),
      tagged('nul', fc.constantFrom('\u0000', 'a\u0000b', '%00', '\\u0000')),
      tagged('unicode', fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 })),
      tagged('unicode', fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })),
      tagged(
        'unicode',
        fc.constantFrom(
          '\ud800',
          '\udfff',
          'a\ud83d',
          '\u202eevil',
          '𝕬𝖇𝖈',
          'ｆｕｌｌ',
          'e\u0301',
          '\ufeff',
          '\uffff',
        ),
      ),
      tagged('control-chars', fc.constantFrom('\r\n', '\u0001\u0002', '\u001b[31m', '\u007f')),
      tagged(
        'huge-string',
        fc.constantFrom(10_001, HUGE).map((n) => 'x'.repeat(n)),
      ),
      tagged(
        'huge-string',
        fc.constantFrom(5_000, 70_000).map((n) => '漢'.repeat(n)),
      ),
      tagged(
        'injection',
        fc.constantFrom("'; DROP TABLE products;--", '%', '_', '\\', '${x}', '../../etc/passwd', '<script>'),
      ),
    )
    .map((t) => ({ tag: t.tag, value: cap(t.value) }));
}

export const hostileId = (): fc.Arbitrary<Tagged<string>> =>
  fc.oneof(
    tagged(
      'uuid-ish',
      fc.uuid().map((u) => u.replace(/-/g, '')),
    ),
    tagged(
      'uuid-ish',
      fc.uuid().map((u) => `${u}0`),
    ),
    tagged(
      'uuid-ish',
      fc.uuid().map((u) => `{${u}}`),
    ),
    tagged(
      'uuid-ish',
      fc.uuid().map((u) => u.toUpperCase().replace(/^./, 'g')),
    ),
    tagged(
      'uuid-ish',
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
    ),
    tagged(
      'uuid-ish',
      fc.uuid().map((u) => `${u}\u0000`),
    ),
    tagged('random-uuid', fc.uuid({ version: 4 })),
    tagged('non-uuid', fc.constantFrom('1', '-1', '0', 'null', 'undefined', 'NaN', 'me', 'x'.repeat(300))),
  );

export const hostileCursor = (): fc.Arbitrary<Tagged<string>> =>
  fc.oneof(
    tagged(
      'cursor',
      fc.string({ maxLength: 30 }).map((s) => Buffer.from(s).toString('base64url')),
    ),
    tagged(
      'cursor',
      fc
        .record({
          id: fc.oneof(fc.uuid(), fc.string()),
          t: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        })
        .map((o) => Buffer.from(JSON.stringify(o)).toString('base64url')),
    ),
    tagged(
      'cursor',
      fc.constantFrom(
        Buffer.from('{"updatedAt":"not-a-date","id":"x"}').toString('base64url'),
        Buffer.from('[1,2,3]').toString('base64url'),
        Buffer.from('{"__proto__":{"x":1}}').toString('base64url'),
        Buffer.from('{"a":\u0000}').toString('base64url'),
        '====',
        '!!!',
      ),
    ),
  );

const hostileNumber = (): fc.Arbitrary<Tagged<unknown>> =>
  fc.oneof(
    tagged('int-overflow', fc.constantFrom(2147483648, -2147483649, 9007199254740991, 1e20, -1e20)),
    tagged('int-overflow', fc.constantFrom(new Raw('9007199254740993'), new Raw('1e400'), new Raw('-1e400'))),
    tagged('non-integer', fc.constantFrom(0.5, -0.0001, 1.000001, 5e-324)),
    tagged('non-integer', fc.double({ noNaN: true, noDefaultInfinity: true })),
    tagged('negative', fc.integer({ min: -1_000_000, max: -1 })),
    tagged('number-as-string', fc.constantFrom('1', '1e3', '0x10', ' 1 ', 'NaN', 'Infinity', '')),
  );

const hostileDate = (): fc.Arbitrary<Tagged<string>> =>
  tagged(
    'date',
    fc.constantFrom(
      '2026-13-45T99:99:99Z',
      '0000-00-00',
      '+275760-09-13T00:00:00.001Z',
      '-271821-04-20T00:00:00Z',
      '2026-02-30',
      'yesterday',
    ),
  );

const wrongType = (): fc.Arbitrary<Tagged<unknown>> =>
  tagged(
    'wrong-type',
    fc.constantFrom<unknown>(null, true, false, 0, 1, [], {}, [[]], [null], 'string', { a: 1 }),
  );

export function protoObject(): fc.Arbitrary<Tagged<unknown>> {
  return tagged(
    'proto-key',
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => {
      const o: Record<string, unknown> = {};
      setOwn(o, key, key === 'constructor' ? { prototype: { polluted: true } } : { polluted: true });
      return o;
    }),
  );
}

/** Depth 5,000 is past what the issue found crashing; 1,500 keeps a URL under Node's header limit. */
export const deepValue = (inUrl = false): fc.Arbitrary<Tagged<unknown>> =>
  tagged(
    'deep-nesting',
    fc
      .constantFrom(...(inUrl ? [1_200] : [5_000, 50_000]))
      .chain((d) => fc.constantFrom(deepArray(d), deepObject(inUrl ? d / 2 : d))),
  );

/** Any hostile JSON value. `inUrl` keeps it small enough for a query string. */
export function hostileValue(inUrl = false): fc.Arbitrary<Tagged<unknown>> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: hostileString(inUrl ? { maxLength: 1_000 } : {}) as fc.Arbitrary<Tagged<unknown>>,
    },
    { weight: 3, arbitrary: hostileNumber() },
    { weight: 2, arbitrary: hostileId() as fc.Arbitrary<Tagged<unknown>> },
    { weight: 1, arbitrary: hostileCursor() as fc.Arbitrary<Tagged<unknown>> },
    { weight: 1, arbitrary: hostileDate() as fc.Arbitrary<Tagged<unknown>> },
    { weight: 3, arbitrary: wrongType() },
    { weight: 2, arbitrary: protoObject() },
    { weight: 1, arbitrary: deepValue(inUrl) },
  );
}

// ---------------------------------------------------------------- schema-driven values

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

/** A value that roughly satisfies the schema, built from the seeded pools where a name says what it is. */
export function validValue(schema: JsonSchema, pools: Pools, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((s) => validValue(s, pools, name, depth + 1)));
  if (schema.allOf?.length)
    return validValue(Object.assign({}, ...schema.allOf) as JsonSchema, pools, name, depth + 1);
  const ts = types(schema);
  if (ts.length > 1)
    return fc.oneof(...ts.map((type) => validValue({ ...schema, type }, pools, name, depth + 1)));
  switch (ts[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = Math.max(schema.minimum ?? 0, -1_000);
      const max = Math.max(min, Math.min(schema.maximum ?? 1_000, min + 1_000));
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'string':
      return validString(schema, pools, name);
    case 'array': {
      const minLength = Math.min(schema.minItems ?? 0, 3);
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(validValue(schema.items ?? {}, pools, name, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const props = Object.entries(schema.properties ?? {}).filter(([, s]) => s.not === undefined);
      if (!props.length) return fc.constant({});
      const record = Object.fromEntries(props.map(([k, s]) => [k, validValue(s, pools, k, depth + 1)]));
      const requiredKeys = (schema.required ?? []).filter((k) => k in record);
      return fc.record(record, { requiredKeys });
    }
    default:
      return fc.oneof(fc.constant({}), fc.string({ maxLength: 5 }), fc.integer());
  }
}

function validString(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<string> {
  const lower = name.toLowerCase();
  if (schema.format === 'uuid' || /(^id$|ids?$)/.test(name))
    return fc.oneof(fc.constantFrom(...pools.ids), fc.uuid());
  if (lower.includes('slug')) return fc.constantFrom(...pools.slugs);
  if (lower.includes('publicid')) return fc.constantFrom(...pools.publicIds);
  if (schema.format === 'email' || lower.includes('email'))
    return fc.constantFrom('buyer@example.test', 'a@b.co');
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (lower.includes('url')) return fc.constant('https://shop.test/x');
  const minLength = Math.max(schema.minLength ?? 0, 1);
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, 24));
  return fc.string({ minLength, maxLength, unit: 'grapheme-ascii' });
}

// ---------------------------------------------------------------- mutations

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 4) return out;
  if (Array.isArray(value))
    value.forEach((v, i) => (out.push([...prefix, i]), pathsOf(v, [...prefix, i], out)));
  else if (value && typeof value === 'object' && !(value instanceof Raw)) {
    for (const k of Object.keys(value)) {
      out.push([...prefix, k]);
      pathsOf((value as Record<string, unknown>)[k], [...prefix, k], out);
    }
  }
  return out;
}

const clone = (v: unknown): unknown => {
  if (v instanceof Raw) return v;
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(o, k, clone((v as Record<string, unknown>)[k]));
    return o;
  }
  return v;
};

function containerAt(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root;
  for (const step of path) {
    if (!node || typeof node !== 'object' || node instanceof Raw) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node && typeof node === 'object' && !(node instanceof Raw)
    ? (node as Record<string | number, unknown>)
    : undefined;
}

type Mutation =
  | { kind: 'replace'; pick: number; with: Tagged<unknown> }
  | { kind: 'drop'; pick: number }
  | { kind: 'unknown-field'; pick: number; key: string; with: Tagged<unknown> }
  | { kind: 'whole'; with: Tagged<unknown> };

const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role', '', ' ', '\u0000', 'id'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

function mutation(inUrl: boolean): fc.Arbitrary<Mutation> {
  const value = hostileValue(inUrl);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), with: value }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('unknown-field' as const),
        pick: fc.nat(),
        key: unknownKey,
        with: value,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('whole' as const), with: value }) },
  );
}

function applyMutation(root: unknown, mutation: Mutation): { value: unknown; tag: string } {
  // Generated constants are shared between samples: never mutate them in place (nor build cycles).
  const m =
    'with' in mutation
      ? { ...mutation, with: { ...mutation.with, value: clone(mutation.with.value) } }
      : mutation;
  if (m.kind === 'whole') return { value: m.with.value, tag: `${m.with.tag}@(root)` };
  const paths = pathsOf(root);
  if (m.kind === 'unknown-field') {
    const objects = [[], ...paths].filter((p) => {
      const c = containerAt(root, p);
      return c && !Array.isArray(c);
    });
    const at = objects[m.pick % Math.max(objects.length, 1)] ?? [];
    const target = containerAt(root, at);
    if (!target) return { value: m.with.value, tag: `${m.with.tag}@(root)` };
    setOwn(target as Record<string, unknown>, m.key, m.with.value);
    const tag = ['__proto__', 'constructor', 'prototype'].includes(m.key)
      ? 'proto-key'
      : `unknown-field+${m.with.tag}`;
    return { value: root, tag: `${tag}@${[...at, m.key].join('.')}` };
  }
  if (!paths.length) {
    return m.kind === 'replace'
      ? { value: m.with.value, tag: `${m.with.tag}@(root)` }
      : { value: root, tag: 'missing-field@(root)' };
  }
  const path = paths[m.pick % paths.length]!;
  const parent = containerAt(root, path.slice(0, -1))!;
  const key = path[path.length - 1]!;
  if (m.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    return { value: root, tag: `missing-field@${path.join('.')}` };
  }
  if (Array.isArray(parent)) parent[Number(key)] = m.with.value;
  else setOwn(parent as Record<string, unknown>, String(key), m.with.value);
  return { value: root, tag: `${m.with.tag}@${path.join('.')}` };
}

/**
 * A schema-valid value with one to three mutations (hostile value in a field, a field dropped, an unknown or
 * prototype key added, the whole value replaced) — or, one time in eight, the unmutated value.
 */
export function mutated(
  schema: JsonSchema,
  pools: Pools,
  opts: { inUrl?: boolean } = {},
): fc.Arbitrary<Tagged<unknown>> {
  const inUrl = opts.inUrl ?? false;
  return fc.oneof(
    { weight: 1, arbitrary: validValue(schema, pools).map((value) => ({ tag: 'valid', value })) },
    {
      weight: 7,
      arbitrary: fc
        .tuple(validValue(schema, pools), fc.array(mutation(inUrl), { minLength: 1, maxLength: 3 }))
        .map(([valid, mutations]) => {
          let value = clone(valid);
          const tags: string[] = [];
          for (const m of mutations) {
            const next = applyMutation(value, m);
            value = next.value;
            // A replaced root drops what earlier mutations did: name only what is in the value.
            if (next.tag.endsWith('@(root)') && !next.tag.startsWith('missing-field')) tags.length = 0;
            tags.push(next.tag);
          }
          return { tag: tags.join(' + '), value };
        }),
    },
  );
}

// ---------------------------------------------------------------- raw bodies

export interface RawBody {
  contentType?: string;
  contentEncoding?: string;
  body: string | Uint8Array;
}

/** Bodies that are not what a JSON endpoint expects: wrong content types, garbage, malformed or huge JSON. */
export function garbageBody(): fc.Arbitrary<Tagged<RawBody>> {
  const json = 'application/json';
  return fc.oneof(
    tagged(
      'malformed-json',
      fc.constantFrom('{', '{"a":', '[1,', '{a:1}', "{'a':1}", 'undefined', '\u0000', '{"a":1}}', ','),
    ).map((t) => ({ tag: t.tag, value: { contentType: json, body: t.value } })),
    tagged('json-scalar', fc.constantFrom('null', '"str"', '[]', '0', 'true', '1e999', '-0')).map((t) => ({
      tag: t.tag,
      value: { contentType: json, body: t.value },
    })),
    tagged('deep-nesting', fc.constantFrom(5_000, 100_000)).chain((t) =>
      fc
        .constantFrom(deepArray(t.value).text, deepObject(t.value).text, `{"x":${deepArray(t.value).text}}`)
        .map((body) => ({
          tag: t.tag,
          value: { contentType: json, body },
        })),
    ),
    fc.constant({ tag: 'proto-key', value: { contentType: json, body: '{"__proto__":{"polluted":true}}' } }),
    fc.constant({
      tag: 'proto-key',
      value: { contentType: json, body: '{"constructor":{"prototype":{"polluted":true}}}' },
    }),
    fc.constant({
      tag: 'oversize-body',
      value: { contentType: json, body: `{"a":"${'x'.repeat(1_100_000)}"}` },
    }),
    fc.constant({ tag: 'duplicate-keys', value: { contentType: json, body: '{"a":1,"a":{"b":2},"a":[3]}' } }),
    fc.constant({
      tag: 'invalid-utf8',
      value: { contentType: json, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    }),
    fc.constant({
      tag: 'utf16-body',
      value: { contentType: 'application/json; charset=utf-16', body: '{"a":1}' },
    }),
    fc.constant({
      tag: 'bad-charset',
      value: { contentType: 'application/json; charset=utf-7', body: '{"a":1}' },
    }),
    fc.constant({
      tag: 'bad-encoding',
      value: { contentType: json, contentEncoding: 'gzip', body: '{"a":1}' },
    }),
    fc.constant({
      tag: 'bad-encoding',
      value: { contentType: json, contentEncoding: 'br, x-unknown', body: '{"a":1}' },
    }),
    tagged(
      'wrong-content-type',
      fc.constantFrom(
        { contentType: 'text/plain', body: '{"a":1}' },
        { contentType: 'application/x-www-form-urlencoded', body: 'a=1&b[c]=2&__proto__[polluted]=1&a=%00' },
        {
          contentType: 'multipart/form-data; boundary=zz',
          body: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n',
        },
        { contentType: 'multipart/form-data', body: 'garbage' },
        { contentType: 'application/xml', body: '<a>1</a>' },
        { contentType: 'application/octet-stream', body: '\u0000\u0001\u0002' },
        { contentType: 'application/graphql', body: '{ a }' },
        { contentType: '', body: '{"a":1}' },
        { contentType: 'application/json; charset=latin1', body: '{"a":"é"}' },
        { contentType: 'application/vnd.api+json', body: '{"a":1}' },
        { contentType: 'text/html; charset=utf-8', body: '<h1>x</h1>' },
      ),
    ),
    tagged('no-content-type', fc.constantFrom('{"a":1}', 'garbage')).map((t) => ({
      tag: t.tag,
      value: { body: t.value },
    })),
  );
}

// ---------------------------------------------------------------- multipart

const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

function part(boundary: string, headers: string[], content: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from('\r\n'),
  ]);
}

const fileHeaders = (field: string, name: string, type: string) => [
  `Content-Disposition: form-data; name="${field}"; filename="${name}"`,
  `Content-Type: ${type}`,
];
const fieldHeaders = (field: string) => [`Content-Disposition: form-data; name="${field}"`];

const boundary = 'fuzzBoundary7MA4YWxkTrZu0gW';
const ct = `multipart/form-data; boundary=${boundary}`;

/** One image file and (when the route takes them) one alt text, well formed. */
function validForm(fileFields: string[], textFields: string[]): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...(fileFields.length ? fileFields : ['file'])), fc.string({ maxLength: 20 }))
    .map(([f, alt]) =>
      Buffer.concat([
        part(boundary, fileHeaders(f, 'image.png', 'image/png'), PNG_BYTES),
        ...(textFields.length && f !== 'file' ? [part(boundary, fieldHeaders(textFields[0]!), alt)] : []),
        Buffer.from(`--${boundary}--\r\n`),
      ]),
    );
}

export const validMultipart = (fileFields: string[], textFields: string[]): fc.Arbitrary<Tagged<RawBody>> =>
  validForm(fileFields, textFields).map((b) => ({
    tag: 'valid',
    value: { contentType: ct, body: new Uint8Array(b) },
  }));

/** Multipart bodies for the upload routes: truncated, unbalanced, mislabelled, over the part limits. */
export function multipartBody(fileFields: string[], textFields: string[]): fc.Arbitrary<Tagged<RawBody>> {
  const fileField = fc.constantFrom(...(fileFields.length ? fileFields : ['file']));
  const textField = fc.constantFrom(...(textFields.length ? textFields : ['altText']));
  const valid = validForm(fileFields, textFields);
  const body = (tag: string, arb: fc.Arbitrary<Buffer | string>, contentType = ct) =>
    arb.map((b) => ({ tag, value: { contentType, body: typeof b === 'string' ? b : new Uint8Array(b) } }));
  return fc.oneof(
    { weight: 1, arbitrary: body('valid', valid) },
    // What an aborted browser upload sends: the body stops before the closing boundary.
    {
      weight: 4,
      arbitrary: body(
        'truncated-multipart',
        fc
          .tuple(valid, fc.double({ min: 0.05, max: 0.97, noNaN: true }))
          .map(([b, f]) => b.subarray(0, Math.floor(b.length * f))),
      ),
    },
    {
      weight: 1,
      arbitrary: body(
        'truncated-multipart',
        valid.map((b) => b.subarray(0, b.length - `--${boundary}--\r\n`.length)),
      ),
    },
    { weight: 1, arbitrary: body('multipart-no-boundary', valid, 'multipart/form-data') },
    { weight: 1, arbitrary: body('multipart-wrong-boundary', valid, 'multipart/form-data; boundary=other') },
    {
      weight: 1,
      arbitrary: body(
        'multipart-unknown-field',
        fc
          .string({ minLength: 1, maxLength: 10 })
          .map((f) =>
            Buffer.concat([
              part(boundary, fileHeaders(`x${f}`, 'a.png', 'image/png'), PNG_BYTES),
              Buffer.from(`--${boundary}--\r\n`),
            ]),
          ),
      ),
    },
    {
      weight: 1,
      arbitrary: body(
        'multipart-hostile-names',
        fc
          .tuple(fileField, hostileString({ maxLength: 300 }))
          .map(([f, name]) =>
            Buffer.concat([
              part(boundary, fileHeaders(f, name.value.replace(/["\r\n]/g, ''), 'image/png'), PNG_BYTES),
              ...(textFields.length ? [part(boundary, fieldHeaders(textFields[0]!), name.value)] : []),
              Buffer.from(`--${boundary}--\r\n`),
            ]),
          ),
      ),
    },
    {
      weight: 1,
      arbitrary: body(
        'multipart-not-an-image',
        fileField.map((f) =>
          Buffer.concat([
            part(boundary, fileHeaders(f, 'x.html', 'text/html'), '<script>1</script>'),
            Buffer.from(`--${boundary}--\r\n`),
          ]),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: body(
        'multipart-too-many-parts',
        textField.map((t) =>
          Buffer.concat([
            ...Array.from({ length: 40 }, () => part(boundary, fieldHeaders(t), 'x')),
            Buffer.from(`--${boundary}--\r\n`),
          ]),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: body(
        'multipart-no-disposition',
        fc.constant(
          Buffer.concat([
            part(boundary, ['Content-Type: image/png'], PNG_BYTES),
            Buffer.from(`--${boundary}--\r\n`),
          ]),
        ),
      ),
    },
    { weight: 1, arbitrary: body('multipart-empty', fc.constantFrom('', `--${boundary}--\r\n`, '\r\n')) },
    { weight: 1, arbitrary: garbageBody() },
  );
}

// ---------------------------------------------------------------- headers

/** Header values fetch can send (latin-1, no CR/LF/NUL), still hostile. */
export const hostileHeader = (): fc.Arbitrary<Tagged<string>> =>
  fc.oneof(
    tagged('header-empty', fc.constantFrom('', ' ')),
    tagged(
      'header-huge',
      fc.constantFrom(300, 6_000).map((n) => 'k'.repeat(n)),
    ),
    tagged(
      'header-garbage',
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
    ),
    tagged('header-latin1', fc.constantFrom('Ã©Ã¨', 'Ã¿\u00ff', 't=1,v1=abc', 'Bearer', 'Bearer \u00ff')),
    tagged('random-uuid', fc.uuid({ version: 4 })),
  );
