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
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | undefined;
}

interface Options {
  maxDepth?: number;
  depthOnly?: boolean;
}

/**
 * Finds the first thing in a parsed input that must never reach a use case: a NUL character in a string
 * or key (PostgreSQL cannot store it), a prototype key, or nesting past `maxDepth`. Iterative, so a
 * hostile depth cannot overflow the stack; linear in the size of the input, and only containers are
 * stacked (leaves are checked in place), so a 1 MB body costs a fraction of its JSON.parse.
 */
export function findHostileInput(
  input: unknown,
  { maxDepth = MAX_INPUT_DEPTH, depthOnly = false }: Options = {},
): HostileInput | undefined {
  if (!isContainer(input)) {
    return !depthOnly && hasNul(input) ? { path: '(root)', problem: NUL_IN_VALUE } : undefined;
  }
  const stack: Frame[] = [{ value: input, depth: 0, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.depth >= maxDepth) {
      return { path: pathOf(frame), problem: `Nested more than ${maxDepth} levels deep` };
    }
    const container = frame.value as Record<string, unknown>;
    // Arrays are read by index: no key strings are made unless a path must be reported.
    const keys = Array.isArray(container) ? undefined : Object.keys(container);
    const count = keys ? keys.length : (container as unknown as unknown[]).length;
    for (let i = 0; i < count; i++) {
      const key = keys?.[i];
      const child = key === undefined ? (container as unknown as unknown[])[i] : container[key];
      const problem = depthOnly
        ? undefined
        : ((key === undefined ? undefined : keyProblem(key)) ?? (hasNul(child) ? NUL_IN_VALUE : undefined));
      if (problem) return { path: pathOf(frame, key ?? String(i)), problem };
      if (isContainer(child)) {
        stack.push({ value: child, depth: frame.depth + 1, parent: frame, key: key ?? String(i) });
      }
    }
  }
  return undefined;
}

const NUL_IN_VALUE = 'Must not contain a NUL character';

/** The 400 a hostile input answers with, in the shape of any other validation failure. */
export function hostileInputError(found: HostileInput): ApiError {
  return {
    code: 'VALIDATION_FAILED',
    status: 400,
    message: `Invalid input: ${found.path}: ${found.problem}`,
    details: { fields: { [found.path]: [found.problem] } },
  };
}

function keyProblem(key: string): string | undefined {
  if (key.includes('\u0000')) return 'Field names must not contain a NUL character';
  if (PROTOTYPE_KEYS.has(key)) return 'Reserved field name';
  return undefined;
}

const hasNul = (value: unknown) => typeof value === 'string' && value.includes('\u0000');

function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function pathOf(frame: Frame, last?: string): string {
  const keys: string[] = last === undefined ? [] : [last.replaceAll('\u0000', '\\u0000')];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) {
    keys.push(f.key.replaceAll('\u0000', '\\u0000'));
  }
  // A path past the depth bound is mostly repetition: keep its first segments.
  const shown = keys.reverse().slice(0, 16);
  if (!shown.length) return '(root)';
  return shown.join('.') + (keys.length > shown.length ? '…' : '');
}
