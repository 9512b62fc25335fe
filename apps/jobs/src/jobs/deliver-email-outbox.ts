import { deliverOutbox } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/**
 * F7. pg-boss cron ticks once a minute at most, so a message waits up to a minute for its first attempt;
 * each run drains the backlog in passes (EMAIL_OUTBOX_MAX_BATCHES), and a run is also queued when a worker
 * starts, so mail piled up while no worker ran goes out at once.
 */
export const deliverEmailOutboxJob: JobModule = {
  name: 'deliver-email-outbox',
  runOnStart: true,
  handler: async (deps, config) => {
    const result = await deliverOutbox(deps, { ...config.outbox, fromEmail: config.email.from });
    return { ...result };
  },
};
