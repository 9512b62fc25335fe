#!/usr/bin/env node
/**
 * `pnpm admin:token`: prints a bearer token for the seeded admin that the API accepts with the embedded dev auth
 * (last line of stdout; the hint goes to stderr). Plain JavaScript importing only the dependency-free dev-token
 * module, so it prints in well under a second: no tsx, no TypeScript compile of the domain package.
 */
import { devAuthSettings, signDevToken } from '@popbox/domain/dev-token';

const settings = devAuthSettings(process.env);
if (settings.production) {
  console.error('admin:token signs dev tokens only; in production use a Supabase access token.');
  process.exit(1);
}
const token = await signDevToken({
  secret: settings.secret,
  subject: settings.adminUserId,
  email: settings.adminEmail,
});
console.error(`Dev admin token for ${settings.adminEmail} (valid 12 h). Use: Authorization: Bearer <token>`);
console.log(token);
