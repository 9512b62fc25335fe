/** Opaque keyset cursors: base64url(JSON). A cursor that does not decode to what the caller needs is ignored. */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined | null,
  parse: (raw: unknown) => T | null,
): T | null {
  if (!cursor) return null;
  try {
    return parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}
