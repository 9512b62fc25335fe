import type { ApiError } from './error-mapping.js';

/**
 * Deepest nesting any input may have. Our real inputs are a few levels deep; the bound exists because a
 * JSON body thousands of levels deep overflows the stack where adapters re-serialise it (tRPC's
 * `JSON.stringify(req.body)`), which answered 500.
 */
export const MAX_INPUT_DEPTH = 64;

/** Keys that name an object's prototype machinery: never a field of ours, and a trap for naive merges. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface HostileInput {
  /** Dotted path of the offending field (`items.0.name`), `(root)` for the input itself. */
  path: string;
  problem: string;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | undefined;
}

/**
 * Finds the first thing in a parsed input that must never reach a use case: a NUL character in a string
 * or key (PostgreSQL cannot store it), a prototype key, or nesting past `maxDepth`. Iterative, so a
 * hostile depth cannot overflow the stack; linear in the size of the input.
 */
export function findHostileInput(
  input: unknown,
  { maxDepth = MAX_INPUT_DEPTH, depthOnly = false }: { maxDepth?: number; depthOnly?: boolean } = {},
): HostileInput | undefined {
  const stack: Frame[] = [{ value: input, depth: 0, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const { value } = frame;
    if (typeof value === 'string') {
      if (!depthOnly && value.includes('\u0000'))
        return { path: pathOf(frame), problem: 'Must not contain a NUL character' };
      continue;
    }
    if (typeof value !== 'object' || value === null || !isPlainContainer(value)) continue;
    if (frame.depth >= maxDepth) {
      return { path: pathOf(frame), problem: `Nested more than ${maxDepth} levels deep` };
    }
    for (const key of Object.keys(value)) {
      const child: Frame = { value: undefined, depth: frame.depth + 1, parent: frame, key };
      const problem = depthOnly ? undefined : keyProblem(key, Array.isArray(value));
      if (problem) return { path: pathOf(child), problem };
      child.value = (value as Record<string, unknown>)[key];
      stack.push(child);
    }
  }
  return undefined;
}

/** The 400 a hostile input answers with, in the shape of any other validation failure. */
export function hostileInputError(found: HostileInput): ApiError {
  return {
    code: 'VALIDATION_FAILED',
    status: 400,
    message: `Invalid input: ${found.path}: ${found.problem}`,
    details: { fields: { [found.path]: [found.problem] } },
  };
}

function keyProblem(key: string, inArray: boolean): string | undefined {
  if (key.includes('\u0000')) return 'Field names must not contain a NUL character';
  if (!inArray && PROTOTYPE_KEYS.has(key)) return 'Reserved field name';
  return undefined;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) {
    keys.push(f.key.replaceAll('\u0000', '\\u0000'));
  }
  // A path past the depth bound is mostly repetition: keep its first segments.
  const shown = keys.reverse().slice(0, 16);
  if (!shown.length) return '(root)';
  return shown.join('.') + (keys.length > shown.length ? '…' : '');
}
