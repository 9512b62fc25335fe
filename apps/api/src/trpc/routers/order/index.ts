import { router } from '../../init.js';

export const orderRouter = router({});
