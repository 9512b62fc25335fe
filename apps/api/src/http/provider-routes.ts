import type { RequestHandler } from 'express';
import { isSimulatorPayments, type Deps } from '@popbox/domain';
import { devMailboxPaths, devMailboxRouter } from './dev-mailbox.js';
import { devStoreRouter } from './dev-store/page.js';
import { guestAccessPaths, guestAccessRouter } from './guest-access-route.js';
import { paymentRoutes } from './payment-routes.js';
import { uploadPaths, uploadRoutes } from './uploads.js';
import type { PlainPaths } from './openapi.js';

/**
 * Every plain (non-procedure) route the deps call for (F1): the raw-body webhook, the guest-access 302
 * bootstrap, multipart uploads, and the /dev pages of the embedded defaults — the checkout simulator and
 * the dev mailbox exist only while those adapters are active, and the dev storefront only while both are.
 */
export function providerRoutes(deps: Deps): {
  rawBodyRoutes: RequestHandler[];
  plainRoutes: RequestHandler[];
  plainPaths: PlainPaths[];
} {
  const payment = paymentRoutes(deps);
  const devMailbox = deps.emailSender.kind === 'dev-mailbox';
  // The dev storefront (issue 15) needs both embedded defaults: it pays through the simulator and its order
  // links arrive in the dev mailbox.
  const devStore = devMailbox && isSimulatorPayments(deps.payments);
  return {
    rawBodyRoutes: payment.rawBodyRoutes,
    plainRoutes: [
      guestAccessRouter(deps),
      uploadRoutes(deps),
      ...payment.plainRoutes,
      ...(devMailbox ? [devMailboxRouter(deps)] : []),
      ...(devStore ? [devStoreRouter()] : []),
    ],
    plainPaths: [
      guestAccessPaths,
      uploadPaths,
      ...payment.plainPaths,
      ...(devMailbox ? [devMailboxPaths] : []),
    ],
  };
}
