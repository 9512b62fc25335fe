import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supabaseTokenVerifier } from './token-verifier.js';

const SUPABASE_URL = 'https://abcd.supabase.co';
let server: Server;
let jwksUrl: string;
let jwksFetches = 0;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    jwksFetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

const token = (claims: { sub?: string; iss?: string }) => {
  const jwt = new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(claims.iss ?? `${SUPABASE_URL}/auth/v1`)
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime('5m');
  if (claims.sub) jwt.setSubject(claims.sub);
  return jwt.sign(privateKey);
};

describe('Supabase token verifier (JWKS)', () => {
  it('accepts a token signed with a key from the JWKS and fetches the keys once', async () => {
    const verifier = supabaseTokenVerifier({ supabaseUrl: SUPABASE_URL, jwksUrl });
    await expect(verifier.verify(await token({ sub: 'user-1' }))).resolves.toEqual({ subject: 'user-1' });
    await expect(verifier.verify(await token({ sub: 'user-2' }))).resolves.toEqual({ subject: 'user-2' });
    expect(jwksFetches).toBe(1);
  });

  it('refuses another issuer and a token without a subject', async () => {
    const verifier = supabaseTokenVerifier({ supabaseUrl: SUPABASE_URL, jwksUrl });
    await expect(
      verifier.verify(await token({ sub: 'user-1', iss: 'https://other.supabase.co/auth/v1' })),
    ).rejects.toThrow();
    await expect(verifier.verify(await token({}))).rejects.toThrow();
  });
});
