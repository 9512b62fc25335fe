import { router } from '../../init.js';
import { sessionRouter } from './session.router.js';
import { opsRouter } from './ops.router.js';
import { ordersRouter } from './orders.router.js';
import { customersRouter } from './customers.router.js';
import { productsRouter } from './products.router.js';
import { kujiPrizesRouter } from './kuji-prizes.router.js';
import { collectionsRouter, tagsRouter } from './taxonomy.router.js';
import { legalRouter } from './legal.router.js';
import { settingsRouter } from './settings.router.js';
import { auditRouter, contactMessagesRouter } from './audit.router.js';
import { alertsAdminRouter } from './alerts.router.js';

export const adminRouter = router({
  session: sessionRouter,
  products: productsRouter,
  kujiPrizes: kujiPrizesRouter,
  collections: collectionsRouter,
  tags: tagsRouter,
  legal: legalRouter,
  settings: settingsRouter,
  auditLog: auditRouter,
  contactMessages: contactMessagesRouter,
  orders: ordersRouter,
  customers: customersRouter,
  ops: opsRouter,
  alerts: alertsAdminRouter,
});
