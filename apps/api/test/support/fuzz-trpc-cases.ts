import fc from 'fast-check';
import {
  encodeParam,
  toJsonText,
  validValue,
  BAD_PERCENT,
  type JsonSchema,
  type Pools,
  type Tagged,
} from './fuzz-values.js';
import { hardInputs, mutated } from './fuzz-mutations.js';
import { garbageBody, withBody, type RawBody } from './fuzz-bodies.js';
import { fitsUrl, type FuzzRequest } from './fuzz-run.js';

/** Fuzz cases per tRPC procedure, derived from the router: single calls and batches. */

export interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  schema: JsonSchema;
}

const trpcUrl = (paths: string[]) => `/api/trpc/${paths.map(encodeParam).join(',')}`;

function trpcIdentity(adminToken: string): fc.Arbitrary<Tagged<Record<string, string>>> {
  return fc.oneof(
    fc.constant({ tag: 'valid', value: {} }),
    fc.constant({ tag: 'valid', value: { authorization: `Bearer ${adminToken}` } }),
  );
}

/** One call: GET with `?input=` for queries, POST with a JSON body for mutations (or a wrong method/body). */
export function trpcSingleCases(
  proc: Procedure,
  pools: Pools,
  adminToken: string,
): fc.Arbitrary<FuzzRequest> {
  const isQuery = proc.type === 'query';
  const base = (
    tag: string,
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: RawBody,
  ): FuzzRequest => ({
    surface: 'tRPC single',
    operation: proc.path,
    tag,
    method,
    url,
    headers: body ? withBody(headers, body) : headers,
    ...(body ? { body: body.body } : {}),
  });
  const input = mutated(proc.schema, pools, { inUrl: isQuery });
  const proper = fc.tuple(input, trpcIdentity(adminToken)).map(([i, who]) =>
    isQuery
      ? base(i.tag, 'GET', `${trpcUrl([proc.path])}?input=${encodeParam(toJsonText(i.value))}`, who.value)
      : base(i.tag, 'POST', trpcUrl([proc.path]), who.value, {
          contentType: 'application/json',
          body: toJsonText(i.value),
        }),
  );
  const garbage = fc
    .tuple(garbageBody(), trpcIdentity(adminToken))
    .map(([g, who]) =>
      base(`${g.tag}${isQuery ? '+wrong-method' : ''}`, 'POST', trpcUrl([proc.path]), who.value, g.value),
    );
  const badInputParam = fc
    .tuple(
      fc.constantFrom('{', 'undefined', '', '[1', '"\\u0000"', '{"json":1}', ...BAD_PERCENT),
      trpcIdentity(adminToken),
    )
    .map(([raw, who]) =>
      base(
        'malformed-input-param',
        'GET',
        `${trpcUrl([proc.path])}?input=${raw.startsWith('%') ? raw : encodeParam(raw)}`,
        who.value,
      ),
    );
  const wrongMethod = trpcIdentity(adminToken).map((who) =>
    isQuery
      ? base('wrong-method', 'PUT', trpcUrl([proc.path]), who.value)
      : base('wrong-method', 'GET', `${trpcUrl([proc.path])}?input=%7B%7D`, who.value),
  );
  return fc
    .oneof(
      { weight: 8, arbitrary: proper },
      { weight: 3, arbitrary: garbage },
      { weight: 1, arbitrary: badInputParam },
      { weight: 1, arbitrary: wrongMethod },
    )
    .filter(fitsUrl);
}

/** Several calls in one `?batch=1` request: the procedure plus others of the same kind. */
export function trpcBatchCases(
  proc: Procedure,
  all: Procedure[],
  pools: Pools,
  adminToken: string,
): fc.Arbitrary<FuzzRequest> {
  const isQuery = proc.type === 'query';
  const peers = all.filter((p) => p.type === proc.type);
  const call = (p: Procedure) =>
    mutated(p.schema, pools, { inUrl: isQuery }).map((t) => ({ path: p.path, ...t }));
  const calls = fc
    .array(fc.constantFrom(...peers), { minLength: 1, maxLength: 4 })
    .chain((others) => fc.tuple(call(proc), ...others.map(call)));
  const make = (
    tag: string,
    paths: string[],
    inputs: string,
    headers: Record<string, string>,
  ): FuzzRequest =>
    isQuery
      ? {
          surface: 'tRPC batched',
          operation: proc.path,
          tag,
          method: 'GET',
          url: `${trpcUrl(paths)}?batch=1&input=${encodeParam(inputs)}`,
          headers,
        }
      : {
          surface: 'tRPC batched',
          operation: proc.path,
          tag,
          method: 'POST',
          url: `${trpcUrl(paths)}?batch=1`,
          headers: { ...headers, 'content-type': 'application/json' },
          body: inputs,
        };
  const proper = fc.tuple(calls, trpcIdentity(adminToken)).map(([cs, who]) => {
    const inputs = `{${cs.map((c, i) => `"${i}":${toJsonText(c.value)}`).join(',')}}`;
    const tag =
      cs
        .map((c) => c.tag)
        .filter((t) => t !== 'valid')
        .join(' + ') || 'valid';
    return make(
      tag,
      cs.map((c) => c.path),
      inputs,
      who.value,
    );
  });
  const hostileEnvelope = fc
    .tuple(
      fc.constantFrom(
        '[{}]',
        '{"__proto__":{}}',
        '{"0":{},"__proto__":{"polluted":true}}',
        '{"-1":{},"999":{}}',
        '"x"',
        '{"0":',
        'null',
      ),
      trpcIdentity(adminToken),
    )
    .map(([inputs, who]) => make('hostile-batch-envelope', [proc.path, proc.path], inputs, who.value));
  // A large batch: refused once batching is bounded (issue 11 item 2), never a 5xx.
  const large = trpcIdentity(adminToken).map((who) =>
    make(
      'large-batch',
      Array(40).fill(proc.path),
      `{${Array.from({ length: 40 }, (_, i) => `"${i}":{}`).join(',')}}`,
      who.value,
    ),
  );
  return fc
    .oneof(
      { weight: 8, arbitrary: proper },
      { weight: 1, arbitrary: hostileEnvelope },
      { weight: 1, arbitrary: large },
    )
    .filter(fitsUrl);
}

/** Fixed variants of a valid tRPC input, as admin (admin middleware runs before input parsing): single, then all in one batch. */
export function hardTrpcCases(
  proc: Procedure,
  pools: Pools,
  adminToken: string,
  seed: number,
): FuzzRequest[] {
  const isQuery = proc.type === 'query';
  const [valid] = fc.sample(validValue(proc.schema, pools), { seed, numRuns: 1 });
  const inputs = hardInputs(valid, isQuery);
  const headers = { authorization: `Bearer ${adminToken}` };
  const single = inputs.map((h): FuzzRequest =>
    isQuery
      ? {
          surface: 'tRPC single',
          operation: proc.path,
          tag: h.tag,
          method: 'GET',
          url: `${trpcUrl([proc.path])}?input=${encodeParam(h.value)}`,
          headers,
        }
      : {
          surface: 'tRPC single',
          operation: proc.path,
          tag: h.tag,
          method: 'POST',
          url: trpcUrl([proc.path]),
          headers: { ...headers, 'content-type': 'application/json' },
          body: h.value,
        },
  );
  const batchInput = `{${inputs.map((h, i) => `"${i}":${h.value}`).join(',')}}`;
  const paths = trpcUrl(inputs.map(() => proc.path));
  const batch: FuzzRequest = isQuery
    ? {
        surface: 'tRPC batched',
        operation: proc.path,
        tag: inputs.map((h) => h.tag).join(' + '),
        method: 'GET',
        url: `${paths}?batch=1&input=${encodeParam(batchInput)}`,
        headers,
      }
    : {
        surface: 'tRPC batched',
        operation: proc.path,
        tag: inputs.map((h) => h.tag).join(' + '),
        method: 'POST',
        url: `${paths}?batch=1`,
        headers: { ...headers, 'content-type': 'application/json' },
        body: batchInput,
      };
  return [...single, batch].filter(fitsUrl);
}
