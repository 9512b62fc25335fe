import type { Deps } from '../shared/deps.js';
import { enqueueEmail } from '../email/outbox.js';
import type { DealResult } from './deal-kuji-rounds.js';

/**
 * Issue 12: when paid kuji lines have waited longer than `alertAfterSeconds` for a beacon round that should
 * exist, the shop gets ONE alert email per outage (deduplicated by the oldest waiting round). Draws are never
 * dealt with local randomness instead; they complete, in order, when the beacon answers again.
 */
export async function alertOnBeaconOutage(
  deps: Pick<Deps, 'db' | 'beacon'>,
  result: DealResult,
  alert: { afterSeconds: number; to: string },
): Promise<boolean> {
  const alertAfterSeconds = alert.afterSeconds;
  const oldestRound = result.oldestWaitingRound;
  if (result.linesWaitingForBeacon === 0 || result.beaconLagSeconds < alertAfterSeconds) return false;
  const chain = deps.beacon.chain();
  const minutes = Math.round(result.beaconLagSeconds / 60);
  const text = [
    `${result.linesWaitingForBeacon} paid kuji draw(s) have waited about ${minutes} minute(s) for randomness round ${oldestRound ?? '?'} of ${chain.label}.`,
    `Last error: ${result.beaconError ?? 'the round is not available yet'}.`,
    'Nothing is lost: the draws are dealt, in order, as soon as the beacon answers again. Buyers see their tickets as pending meanwhile.',
    'Check the beacon relays (DRAND_URLS) and GET /api/v1/admin/jobs for the deal-kuji-draws job.',
  ].join('\n\n');
  return enqueueEmail(deps.db, {
    kind: 'shop_alert',
    to: alert.to,
    subject: `Kuji draws are waiting for the randomness beacon (${minutes} min)`,
    text,
    html: text
      .split('\n\n')
      .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
      .join(''),
    dedupeKey: `beacon-outage:${chain.hash.slice(0, 16)}:${oldestRound ?? 0}`,
  });
}
