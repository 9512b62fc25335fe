import { alertOnBeaconOutage, dealDueKujiLines } from '@popbox/domain';
import type { JobModule } from '../registry.js';
import { dealerBackoff } from './dealer-backoff.js';

/**
 * Issue 12: deals every paid kuji line whose beacon round is published. Idempotent and safe with several
 * jobs processes (each board is dealt under its lock; a second dealer finds nothing left). While the beacon
 * cannot be reached the lines wait — never local randomness — and after `KUJI_BEACON_ALERT_AFTER_SECONDS` the
 * shop is alerted once and the run is recorded as failed, so GET /admin/jobs shows the outage.
 */
export const dealKujiDrawsJob: JobModule = {
  name: 'deal-kuji-draws',
  runOnStart: true,
  handler: async (deps, config) => {
    const result = await dealDueKujiLines(deps);
    dealerBackoff.record(result);
    const alerted = await alertOnBeaconOutage(deps, result, {
      afterSeconds: config.kuji.beaconAlertAfterSeconds,
      to: config.kuji.alertTo,
    });
    if (result.linesWaitingForBeacon > 0 && result.beaconLagSeconds >= config.kuji.beaconAlertAfterSeconds) {
      throw new Error(
        `${result.linesWaitingForBeacon} kuji draws have waited ${result.beaconLagSeconds} s for beacon round ${result.oldestWaitingRound}: ${result.beaconError ?? 'round not available'}${alerted ? ' (shop alerted)' : ''}`,
      );
    }
    return { ...result };
  },
};
