import { eq } from 'drizzle-orm';
import { isDatabaseUnavailable, users } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import type { TokenVerifier } from './token-verifier.js';

export interface AdminIdentity {
  userId: string;
  email: string;
}

/**
 * B12: a valid bearer token AND role admin in `users`. Roles in token claims are never trusted.
 * Missing/invalid token (or a failing lookup) → 401; unknown user or not admin → 403; no database
 * connection to be had → rethrown (503 at the edge).
 */
export async function authenticateAdmin(
  deps: Pick<Deps, 'db' | 'logger'> & { tokenVerifier: TokenVerifier },
  authorization: string | undefined,
): Promise<AdminIdentity> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'Missing or malformed bearer token');
  let subject: string;
  try {
    ({ subject } = await deps.tokenVerifier.verify(match[1]));
  } catch {
    throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
  }
  let user: { id: string; email: string; role: string } | undefined;
  try {
    [user] = await deps.db
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(eq(users.id, subject));
  } catch (error) {
    // No connection to be had (issue 11): the service's state, not the token's — 503, never a log-out.
    if (isDatabaseUnavailable(error)) throw error;
    // A non-UUID subject or a database fault: the request is not authenticated (B12 says 401).
    deps.logger.warn({ err: error }, 'admin lookup failed');
    throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
  }
  if (!user) throw new DomainError('ADMIN_NOT_PROVISIONED', 'Admin account not provisioned');
  if (user.role !== 'admin') throw new DomainError('FORBIDDEN', 'Admin role required');
  return { userId: user.id, email: user.email };
}
