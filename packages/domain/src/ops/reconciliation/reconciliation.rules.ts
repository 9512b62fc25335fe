import type { DriftRow } from './reconciliation.queries.js';

export const DRIFT_KINDS = [
  'inventory_reserved',
  'kuji_on_hand',
  'prize_remaining',
  'deck_position',
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
 * impossible (more tickets dealt than a prize line holds). Deck positions are never rewritten: positions
 * are commitments to published shuffles, so a mismatch is for a person to investigate.
 */
export function isRepairable(kind: DriftKind, expected: number): boolean {
  if (kind === 'deck_position') return false;
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
