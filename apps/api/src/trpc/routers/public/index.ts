import { router } from '../../init.js';
import { catalogRouter } from './catalog.router.js';
import { contentRouter } from './content.router.js';
import { kujiRouter } from './kuji.router.js';
import { checkoutRouter } from './checkout.router.js';
import { contactRouter } from './contact.router.js';
import { alertsRouter } from './alerts.router.js';

export const publicRouter = router({
  catalog: catalogRouter,
  content: contentRouter,
  kuji: kujiRouter,
  checkout: checkoutRouter,
  contact: contactRouter,
  alerts: alertsRouter,
});
