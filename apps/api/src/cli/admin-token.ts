import { signDevToken } from '@popbox/domain';
import { loadDevAuthConfig } from '../config.js';

/** Prints a bearer token for the seeded admin that the API accepts with the embedded dev auth. */
const config = loadDevAuthConfig();
if (config.production) {
  console.error('admin:token signs dev tokens only; in production use a Supabase access token.');
  process.exit(1);
}
const token = await signDevToken({
  secret: config.secret,
  subject: config.adminUserId,
  email: config.adminEmail,
});
console.error(`Dev admin token for ${config.adminEmail} (valid 12 h). Use: Authorization: Bearer <token>`);
console.log(token);
