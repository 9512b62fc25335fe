import { pgTable, uuid, varchar } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';
import { userRole } from './enums.js';

/**
 * Staff accounts. `id` is the identity provider's user id (Supabase `auth.users.id`), supplied by the
 * provisioning CLI or the optional Supabase mirror trigger — hence no default and, per F18, no foreign key
 * into an `auth` schema that plain/embedded PostgreSQL does not have.
 */
export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  email: varchar('email', { length: 320 }).notNull().unique('users_email_key'),
  role: userRole('role').notNull().default('customer'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
