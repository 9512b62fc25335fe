import fc from 'fast-check';
import {
  deepArray,
  deepObject,
  hostileValue,
  Raw,
  setOwn,
  toJsonText,
  validValue,
  type JsonSchema,
  type Pools,
  type Tagged,
} from './fuzz-values.js';

/** Mutations of schema-valid values (issue 11 fuzz suite), and the fixed variants every operation gets. */

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
  if (Array.isArray(v)) return Array.from(v as unknown[], clone);
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

// ---------------------------------------------------------------- fixed variants

type Leaf = string | number | boolean | null;

/** A copy of a JSON value with every leaf passed through `f` (object keys kept, `__proto__` included). */
function mapLeaves(value: unknown, f: (leaf: Leaf) => unknown): unknown {
  if (Array.isArray(value)) return Array.from(value as unknown[], (v) => mapLeaves(v, f));
  if (value && typeof value === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(value)) setOwn(o, k, mapLeaves((value as Record<string, unknown>)[k], f));
    return o;
  }
  return f(value as Leaf);
}

export const NUL_STRING = 'a\u0000b';
const withProto = (value: unknown) => {
  const o: Record<string, unknown> = {};
  setOwn(o, '__proto__', { polluted: true });
  setOwn(o, 'constructor', { prototype: { polluted: true } });
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const k of Object.keys(value)) setOwn(o, k, (value as Record<string, unknown>)[k]);
  return o;
};

/** JSON-input variants every operation gets, whatever the seed: the known killers. */
export function hardInputs(valid: unknown, inUrl: boolean): Tagged<string>[] {
  const hasStrings = JSON.stringify(valid ?? null).includes('"');
  return [
    { tag: 'proto-key', value: toJsonText(withProto(valid)) },
    { tag: 'deep-nesting', value: (inUrl ? deepArray(1_200) : deepArray(5_000)).text },
    ...(inUrl ? [] : [{ tag: 'deep-nesting', value: `{"x":${deepObject(5_000).text}}` }]),
    ...(hasStrings
      ? [{ tag: 'nul', value: toJsonText(mapLeaves(valid, (l) => (typeof l === 'string' ? NUL_STRING : l))) }]
      : []),
    {
      tag: 'int-overflow',
      value: toJsonText(mapLeaves(valid, (l) => (typeof l === 'number' ? 2147483648 : l))),
    },
  ];
}
