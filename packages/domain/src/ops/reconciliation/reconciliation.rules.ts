import type { DriftRow } from './reconciliation.queries.js';

export const DRIFT_KINDS = [
  'inventory_reserved',
  'kuji_on_hand',
  'prize_remaining',
  'deck_position',
  'deck_pending',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface DriftItem extends DriftRow {
  kind: DriftKind;
  /** recorded − expected */
  difference: number;
  repairable: boolean;
}

/**
 * What an explicit repair may fix. Counters are set to their source, except when the source itself is
 * impossible (more tickets dealt from an epoch than its manifest holds). Deck counters are never rewritten:
 * positions and claims belong to the public draw log, so a mismatch is for a person to investigate.
 */
export function isRepairable(kind: DriftKind, expected: number): boolean {
  if (kind === 'deck_position' || kind === 'deck_pending') return false;
  return expected >= 0;
}

export function toDriftItem(kind: DriftKind, row: DriftRow): DriftItem {
  return {
    kind,
    ...row,
    difference: row.recorded - row.expected,
    repairable: isRepairable(kind, row.expected),
  };
}
