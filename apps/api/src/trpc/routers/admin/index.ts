import { router } from '../../init.js';
import { sessionRouter } from './session.router.js';

export const adminRouter = router({
  session: sessionRouter,
});
