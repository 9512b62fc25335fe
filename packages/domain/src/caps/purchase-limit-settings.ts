import type { Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { readSetting, writeSetting } from '../content/settings.queries.js';

/** Issue 13: store setting `purchase_limits`: what happens to a paid order that broke a purchase cap. */
export interface PurchaseLimitSettings {
  /** Refund such orders automatically (in full, once), with an email to the buyer saying why. */
  autoRefund: boolean;
}

export const PURCHASE_LIMITS_KEY = 'purchase_limits';
export const DEFAULT_PURCHASE_LIMIT_SETTINGS: PurchaseLimitSettings = { autoRefund: false };

export function parsePurchaseLimitSettings(value: unknown): PurchaseLimitSettings {
  const v = (value ?? {}) as Record<string, unknown>;
  return { autoRefund: v.autoRefund === true };
}

export async function readPurchaseLimitSettings(db: Executor): Promise<PurchaseLimitSettings> {
  return parsePurchaseLimitSettings(
    await readSetting(db, PURCHASE_LIMITS_KEY, DEFAULT_PURCHASE_LIMIT_SETTINGS),
  );
}

export async function getPurchaseLimitSettings(deps: Pick<Deps, 'db'>): Promise<PurchaseLimitSettings> {
  return readPurchaseLimitSettings(deps.db);
}

/** Admin: replace the setting (audited). Applies to orders finalised from now on. */
export async function updatePurchaseLimitSettings(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: PurchaseLimitSettings,
): Promise<PurchaseLimitSettings> {
  const value: PurchaseLimitSettings = { autoRefund: input.autoRefund };
  return deps.db.transaction(async (tx) => {
    const before = await readSetting(tx, PURCHASE_LIMITS_KEY, DEFAULT_PURCHASE_LIMIT_SETTINGS);
    await writeSetting(tx, PURCHASE_LIMITS_KEY, value);
    await recordAudit(tx, actor, {
      action: 'settings.purchase_limits.update',
      entityType: 'setting',
      entityId: PURCHASE_LIMITS_KEY,
      before,
      after: value,
    });
    return value;
  });
}
