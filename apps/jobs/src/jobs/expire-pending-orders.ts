import { expirePendingOrders } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/**
 * B19 / F15: every minute by default (the catalog), plus once at start so holds that lapsed while no
 * worker ran are freed at once. Several workers may run it at the same time: claims skip locked rows.
 */
export const expirePendingOrdersJob: JobModule = {
  name: 'expire-pending-orders',
  runOnStart: true,
  handler: async (deps, config) => ({ ...(await expirePendingOrders(deps, config.reservationExpiry)) }),
};
