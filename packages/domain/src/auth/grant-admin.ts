import { users, type Executor } from '@popbox/db';
import { rethrowDuplicate } from '../shared/db-errors.js';

/**
 * F18: provisions a staff account (role admin) by identity-provider user id and email. Idempotent: an
 * existing row gets the email and the admin role. An email owned by another user id is a 409.
 */
export async function grantAdmin(db: Executor, input: { userId: string; email: string }) {
  const [row] = await db
    .insert(users)
    .values({ id: input.userId, email: input.email, role: 'admin' })
    .onConflictDoUpdate({ target: users.id, set: { email: input.email, role: 'admin' } })
    .returning({ id: users.id, email: users.email, role: users.role })
    .catch((error: unknown) => rethrowDuplicate(error, { users_email_key: 'email' }));
  return row!;
}
