import fs from 'node:fs';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, signInWithCode, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { canonicalRecoveryCode, currentTotp, generateRecoveryCodes, matchTotp } from './totp.ts';
import { totpSeedAssociatedData, totpSeedPurposes } from './totp-seeds.ts';

interface TotpVector {
  time: number;
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  secretAscii: string;
  digits: number;
  period: number;
  totp: string;
}

const vectorFile = new URL('../../../../shared/vectors/rfc6238_totp.json', import.meta.url);

describe('TOTP (RFC 6238)', () => {
  const vectors = (JSON.parse(fs.readFileSync(vectorFile, 'utf8')) as { tests: TotpVector[] }).tests;

  it('has the RFC 6238 Appendix B vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(18));

  it.each(vectors.map((vector) => [`${vector.algorithm} t=${vector.time}`, vector] as const))('the library computes %s', (_, vector) => {
    const totp = new OTPAuth.TOTP({
      algorithm: vector.algorithm,
      digits: vector.digits,
      period: vector.period,
      secret: new OTPAuth.Secret({ buffer: new Uint8Array(Buffer.from(vector.secretAscii, 'ascii')).buffer }),
    });
    expect(totp.generate({ timestamp: vector.time * 1000 })).toBe(vector.totp);
    expect(totp.validate({ token: vector.totp, timestamp: vector.time * 1000, window: 0 })).toBe(0);
  });

  it('accepts one step of drift either way and returns the step it matched', () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(matchTotp(secret, currentTotp(secret, now), now)).toBe(step);
    expect(matchTotp(secret, currentTotp(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, currentTotp(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, currentTotp(secret, now - 90_000), now)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now)).toBeNull();
  });

  it('makes ten distinct recovery codes that survive being typed sloppily', () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(canonicalRecoveryCode(' ABCD-efgh ijkl ')).toBe('abcdefghijkl');
  });

  it('registers both seed columns for rotation with the purposes and associated data they are sealed with', () => {
    const userId = '6b1d4a4e-3f0a-4c55-9d36-5c3c0b0e6d8a';
    for (const [column, kind] of [['totp_seed', 'confirmed'], ['totp_pending_seed', 'pending']] as const) {
      const entry = keyProtectedData(capabilities).sealedColumns.find((candidate) => candidate.name === `users.${column}`);
      expect(entry, column).toBeDefined();
      expect(entry?.purpose).toBe(totpSeedPurposes[kind]);
      expect(entry?.associatedData(userId)).toBe(totpSeedAssociatedData[kind](userId));
    }
  });
});

describe.each(databaseKinds())('two-factor sign-in on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('enrolls with a confirmed first code, stores the seed sealed, and then requires the second factor', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const { secret, recoveryCodes } = await enrollTotp(client);
    expect(recoveryCodes).toHaveLength(10);
    const row = await server.runtime.database.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totp_seed).toMatch(/^sl2\./);
    expect(row.totp_seed).not.toContain(secret);
    const storedCodes = await server.runtime.database.db.selectFrom('recovery_codes').select('code_digest').where('user_id', '=', user.id).execute();
    expect(JSON.stringify(storedCodes)).not.toContain(canonicalRecoveryCode(recoveryCodes[0] as string));

    const device = new TestClient(server, { ip: '192.0.2.10' });
    const first = await signInWithCode(device, user.email);
    expect(first.body).toEqual({ secondFactorRequired: true });
    expect((await device.request('GET', '/api/me')).status).toBe(401);
    const wrong = await device.json<{ error: { code: string } }>('POST', '/api/auth/sign-in/second-factor', { code: '000000' });
    expect(wrong.body.error.code).toBe('invalid_second_factor');
    // The step used at enrollment cannot be replayed; wait for the next one if needed.
    const now = Date.now();
    const code = currentTotp(secret, now + 30_000);
    const done = await device.json<{ user: { totpEnabled: boolean } }>('POST', '/api/auth/sign-in/second-factor', { code });
    expect(done.status).toBe(200);
    expect(done.body.user.totpEnabled).toBe(true);
    expect((await device.request('GET', '/api/me')).status).toBe(200);

    const replay = new TestClient(server, { ip: '192.0.2.11' });
    await signInWithCode(replay, user.email);
    expect((await replay.json<{ error: { code: string } }>('POST', '/api/auth/sign-in/second-factor', { code })).body.error.code).toBe('invalid_second_factor');
  });

  it('accepts each recovery code once', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const { recoveryCodes } = await enrollTotp(client);
    const recovery = (recoveryCodes[3] as string).toUpperCase();
    const device = new TestClient(server, { ip: '192.0.2.20' });
    await signInWithCode(device, user.email);
    expect((await device.request('POST', '/api/auth/sign-in/second-factor', { code: recovery })).status).toBe(200);
    const again = new TestClient(server, { ip: '192.0.2.21' });
    await signInWithCode(again, user.email);
    expect((await again.json<{ error: { code: string } }>('POST', '/api/auth/sign-in/second-factor', { code: recovery })).body.error.code).toBe('invalid_second_factor');
  });

  it('ends the challenge after five wrong second factors', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const { secret } = await enrollTotp(client);
    const device = new TestClient(server, { ip: '192.0.2.30' });
    await signInWithCode(device, user.email);
    for (let attempt = 0; attempt < 5; attempt += 1) await device.request('POST', '/api/auth/sign-in/second-factor', { code: '000000' });
    const late = await device.json<{ error: { code: string } }>('POST', '/api/auth/sign-in/second-factor', { code: currentTotp(secret, Date.now() + 30_000) });
    expect(late.body.error.code).toBe('second_factor_expired');
  });

  it('refuses a wrong enrollment code and a second enrollment', async () => {
    const { client } = await signedInClient(server, 'photographer');
    expect((await client.json<{ error: { code: string } }>('POST', '/api/account/totp/enrollment/confirm', { code: '123456' })).body.error.code).toBe('totp_enrollment_not_started');
    await client.request('POST', '/api/account/totp/enrollment');
    expect((await client.json<{ error: { code: string } }>('POST', '/api/account/totp/enrollment/confirm', { code: '000000' })).body.error.code).toBe('invalid_totp_code');
    await enrollTotp(client);
    expect((await client.json<{ error: { code: string } }>('POST', '/api/account/totp/enrollment')).body.error.code).toBe('totp_already_enabled');
  });
});
