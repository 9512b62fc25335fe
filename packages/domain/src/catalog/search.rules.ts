/** Search query helpers (B1). Pure. */

/** Trim and collapse whitespace. */
export const normaliseQuery = (q: string) => q.trim().replace(/\s+/g, ' ');

/**
 * Autocomplete prefix query: split on whitespace and non-alphanumerics, each token a prefix term, all ANDed.
 * Tokens are alphanumeric only, so the result is safe to hand to to_tsquery. Null when no token remains.
 */
export function prefixTsQuery(q: string): string | null {
  const tokens = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return tokens.length ? tokens.map((t) => `${t}:*`).join(' & ') : null;
}
