import type { Request } from 'express';
import { trpcCalls } from '../trpc-calls.js';
import type { PublicRead, PublicReadCatalog } from './public-reads.js';

export const REST_PREFIX = '/api/v1';

export interface KeyedPublicRead extends PublicRead {
  /** The normalised request: equal keys get byte-identical answers. */
  key: string;
  surface: 'trpc' | 'rest';
}

/**
 * The public read a GET/HEAD request asks for, with its normalised key, or undefined when it is anything
 * else (a write, a personal read, an unparsable tRPC input — those reach the adapters untouched). tRPC:
 * the calls, the batch flag, the `trpc-accept` format and the parsed input re-serialised with sorted keys.
 * REST: the path and the query pairs sorted by name (a repeated name keeps its values' order).
 */
export function keyPublicRead(req: Request, catalog: PublicReadCatalog): KeyedPublicRead | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const calls = trpcCalls(req);
  const query = new URLSearchParams(rawQuery(req.originalUrl));
  if (calls) {
    const read = catalog.trpc(calls);
    if (!read) return undefined;
    const rawInput = query.get('input');
    let input: unknown;
    try {
      input = rawInput === null ? null : JSON.parse(rawInput);
    } catch {
      return undefined;
    }
    const accept = req.headers['trpc-accept'] ?? '';
    const batch = query.get('batch') === '1' ? '1' : '0';
    return {
      ...read,
      surface: 'trpc',
      key: `T ${calls.join(',')} ${batch} ${String(accept)} ${canonicalJson(input)}`,
    };
  }
  if (req.path.slice(0, REST_PREFIX.length + 1).toLowerCase() !== `${REST_PREFIX}/`) return undefined;
  const read = catalog.rest(req.path.slice(REST_PREFIX.length));
  if (!read) return undefined;
  const pairs = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { ...read, surface: 'rest', key: `R ${req.path} ${new URLSearchParams(pairs).toString()}` };
}

function rawQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
