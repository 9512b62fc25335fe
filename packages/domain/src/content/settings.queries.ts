import { eq } from 'drizzle-orm';
import { storeSettings, type Executor } from '@popbox/db';

/**
 * Reads a setting, inserting the default first when the row is missing (race-safe: insert-if-absent,
 * then re-read), as spec "store_settings" requires.
 */
export async function readSetting(db: Executor, key: string, defaultValue: unknown): Promise<unknown> {
  const [row] = await db
    .select({ value: storeSettings.value })
    .from(storeSettings)
    .where(eq(storeSettings.key, key));
  if (row) return row.value;
  await db.insert(storeSettings).values({ key, value: defaultValue }).onConflictDoNothing();
  const [again] = await db
    .select({ value: storeSettings.value })
    .from(storeSettings)
    .where(eq(storeSettings.key, key));
  return again?.value ?? defaultValue;
}

export async function writeSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db
    .insert(storeSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: storeSettings.key, set: { value } });
}
