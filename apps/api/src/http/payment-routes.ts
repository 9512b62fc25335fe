import { isSimulatorPayments, type Deps } from '@popbox/domain';
import type { AppOptions } from '../app.js';
import { stripeWebhookPaths, stripeWebhookRouter } from './stripe-webhook.js';
import { devCheckoutPaths, devCheckoutRouter } from './dev-checkout.js';

/**
 * The money path's plain routes: the raw-body webhook always; the simulator's /dev/checkout pages only while
 * the simulator is the payments adapter (architecture: /dev routes exist only with the embedded defaults).
 */
export function paymentRoutes(
  deps: Deps,
): Required<Pick<AppOptions, 'rawBodyRoutes' | 'plainRoutes' | 'plainPaths'>> {
  const simulator = isSimulatorPayments(deps.payments) ? deps.payments : undefined;
  return {
    rawBodyRoutes: [stripeWebhookRouter(deps)],
    plainRoutes: simulator ? [devCheckoutRouter(simulator)] : [],
    plainPaths: [stripeWebhookPaths, ...(simulator ? [devCheckoutPaths] : [])],
  };
}
