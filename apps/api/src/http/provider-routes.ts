import type { RequestHandler } from 'express';
import type { Deps } from '@popbox/domain';
import { devMailboxPaths, devMailboxRouter } from './dev-mailbox.js';
import { guestAccessPaths, guestAccessRouter } from './guest-access-route.js';
import { paymentRoutes } from './payment-routes.js';
import { uploadPaths, uploadRoutes } from './uploads.js';
import type { PlainPaths } from './openapi.js';

/**
 * Every plain (non-procedure) route the deps call for (F1): the raw-body webhook, the guest-access 302
 * bootstrap, multipart uploads, and the /dev pages of the embedded defaults — the checkout simulator and
 * the dev mailbox exist only while those adapters are active.
 */
export function providerRoutes(deps: Deps): {
  rawBodyRoutes: RequestHandler[];
  plainRoutes: RequestHandler[];
  plainPaths: PlainPaths[];
} {
  const payment = paymentRoutes(deps);
  const devMailbox = deps.emailSender.kind === 'dev-mailbox';
  return {
    rawBodyRoutes: payment.rawBodyRoutes,
    plainRoutes: [
      guestAccessRouter(deps),
      uploadRoutes(deps),
      ...payment.plainRoutes,
      ...(devMailbox ? [devMailboxRouter(deps)] : []),
    ],
    plainPaths: [
      guestAccessPaths,
      uploadPaths,
      ...payment.plainPaths,
      ...(devMailbox ? [devMailboxPaths] : []),
    ],
  };
}
