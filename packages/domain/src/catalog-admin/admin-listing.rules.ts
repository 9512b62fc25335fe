import { asRecord, isIsoInstant, isSafeInt, isUuid } from '../shared/cursor-fields.js';

export type AdminSort = 'updated_desc' | 'updated_asc' | 'inventory_desc' | 'inventory_asc';

export interface AdminCursor {
  id: string;
  value: string | number;
}

/** Cursor `{id, updatedAt}` or `{id, inventorySortValue}` (B13); anything else starts from the first page. */
export function parseAdminCursor(raw: unknown, sort: AdminSort): AdminCursor | null {
  const c = asRecord(raw);
  if (!c || !isUuid(c.id)) return null;
  if (sort.startsWith('inventory')) {
    return isSafeInt(c.inventorySortValue) ? { id: c.id, value: c.inventorySortValue } : null;
  }
  return isIsoInstant(c.updatedAt) ? { id: c.id, value: c.updatedAt } : null;
}

export function adminCursorValue(
  sort: AdminSort,
  row: { id: string; updatedAt: string; inventorySortValue: number },
) {
  return sort.startsWith('inventory')
    ? { id: row.id, inventorySortValue: row.inventorySortValue }
    : { id: row.id, updatedAt: row.updatedAt };
}
