/** Validators for decoded cursor fields: a cursor only reaches SQL if every field is well-formed. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_RE.test(v);
/**
 * A real instant PostgreSQL accepts: JS rolls impossible dates over (2024-02-30 → 1 March) and accepts year
 * 0000, both of which PostgreSQL refuses — so the date must survive a round trip, from year 1.
 */
export const isIsoInstant = (v: unknown): v is string => {
  if (typeof v !== 'string' || !ISO_RE.test(v)) return false;
  const t = Date.parse(v);
  return (
    !Number.isNaN(t) &&
    new Date(t).toISOString().slice(0, 19) === v.slice(0, 19) &&
    Number(v.slice(0, 4)) >= 1
  );
};
export const isInt32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
export const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isBoundedString = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length <= max;

export const asRecord = (raw: unknown): Record<string, unknown> | null =>
  raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
