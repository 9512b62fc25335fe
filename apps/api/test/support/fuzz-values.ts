import fc from 'fast-check';

/**
 * Value generators for the fuzz suite (issue 11): hostile values, and JSON Schema driven valid values that
 * fuzz-mutations.ts then makes wrong. Every generated piece carries a `tag` naming what is hostile about it, so
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

/**
 * JSON text of a value; own `__proto__` keys are kept (JSON.parse creates them as own properties). Arrays are
 * read with `Array.from`, not `.map`: a generated array may carry an own `constructor` key, which `.map`
 * would use as its species.
 */
export function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${Array.from(value as unknown[], toJsonText).join(',')}]`;
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
