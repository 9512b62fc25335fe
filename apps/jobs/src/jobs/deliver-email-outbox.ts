import { deliverOutbox, EMAIL_OUTBOX_CHANNEL } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/**
 * F7. Issue 15: `enqueueEmail` NOTIFYs `email_outbox` in the transaction that writes the message, and the worker
 * queues a run when that commits, so an email goes out within a second or so. The cron schedule (once a
 * minute at most) stays as the backstop for retries and notifications missed while no worker listened; a run
 * is also queued when a worker starts. Each run drains the backlog in passes (EMAIL_OUTBOX_MAX_BATCHES),
 * delivering the messages of one order in the order they were written.
 */
export const deliverEmailOutboxJob: JobModule = {
  name: 'deliver-email-outbox',
  runOnStart: true,
  wakeOn: EMAIL_OUTBOX_CHANNEL,
  handler: async (deps, config) => {
    const result = await deliverOutbox(deps, { ...config.outbox, fromEmail: config.email.from });
    return { ...result };
  },
};
