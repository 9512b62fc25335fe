import fc from 'fast-check';
import { deepArray, deepObject, hostileString, type Tagged } from './fuzz-values.js';

/** Request bodies and headers for the fuzz suite: garbage, wrong content types, broken multipart. */

const tagged = <T>(tag: string, arb: fc.Arbitrary<T>): fc.Arbitrary<Tagged<T>> =>
  arb.map((value) => ({ tag, value }));

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

/** Headers with the body's content type and encoding. */
export function withBody(headers: Record<string, string>, raw: RawBody): Record<string, string> {
  const h = { ...headers };
  if (raw.contentType !== undefined) h['content-type'] = raw.contentType;
  if (raw.contentEncoding) h['content-encoding'] = raw.contentEncoding;
  return h;
}
