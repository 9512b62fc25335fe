import { router } from '../../init.js';
import { catalogRouter } from './catalog.router.js';
import { contentRouter } from './content.router.js';
import { checkoutSuccessRouter } from './checkout-success.router.js';
import { kujiRouter } from './kuji.router.js';

export const publicRouter = router({
  catalog: catalogRouter,
  content: contentRouter,
  checkoutSuccess: checkoutSuccessRouter,
  kuji: kujiRouter,
});
