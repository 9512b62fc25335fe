import { sendAlertEvents } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/**
 * Issue 13. Drop starts are recorded here (the sale opens by time alone, so no transaction "starts" it);
 * restock and new-board events were written with their change. Emails go through the outbox, which the
 * outbox job delivers; several jobs processes are safe (event rows are claimed with SKIP LOCKED and each
 * (event, subscriber) has one delivery row).
 */
export const sendAlertsJob: JobModule = {
  name: 'send-alerts',
  runOnStart: true,
  handler: async (deps, config) => ({ ...(await sendAlertEvents(deps, config.alerts)) }),
};
