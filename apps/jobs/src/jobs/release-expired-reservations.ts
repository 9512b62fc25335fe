import { releaseExpiredReservations } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/** B19 safety net, same batch settings as the expiry sweep. */
export const releaseExpiredReservationsJob: JobModule = {
  name: 'release-expired-reservations',
  handler: async (deps, config) => ({
    ...(await releaseExpiredReservations(deps, config.reservationExpiry)),
  }),
};
