/** Validators for decoded cursor fields: a cursor only reaches SQL if every field is well-formed. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_RE.test(v);
export const isIsoInstant = (v: unknown): v is string =>
  typeof v === 'string' && ISO_RE.test(v) && !Number.isNaN(Date.parse(v));
export const isInt32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
export const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isBoundedString = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length <= max;

export const asRecord = (raw: unknown): Record<string, unknown> | null =>
  raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
