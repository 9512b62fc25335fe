/** Types of `dev-token.mjs` (plain JavaScript so `pnpm admin:token` runs without a TypeScript compile). */
export declare const SUPABASE_AUDIENCE: 'authenticated';
export declare const DEV_ISSUER: 'popbox-dev';
export declare const DEV_JWT_SECRET: string;
export declare const SEEDED_ADMIN: Readonly<{ id: string; email: string }>;

export interface DevAuthSettings {
  production: boolean;
  secret: string;
  adminUserId: string;
  adminEmail: string;
}
export declare function devAuthSettings(env?: Record<string, string | undefined>): DevAuthSettings;

export declare function signDevToken(opts: {
  secret: string;
  subject: string;
  email?: string;
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
  now?: Date;
}): Promise<string>;
