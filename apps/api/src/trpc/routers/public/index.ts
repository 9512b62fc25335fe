import { router } from '../../init.js';
import { catalogRouter } from './catalog.router.js';
import { contentRouter } from './content.router.js';
import { contactRouter } from './contact.router.js';

export const publicRouter = router({
  catalog: catalogRouter,
  content: contentRouter,
  contact: contactRouter,
});
