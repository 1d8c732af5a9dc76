import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrityError, UnknownKeyVersionError } from '../errors.ts';
import { createLocalKeyProvider, encryptAes256Gcm } from './master-keys.ts';
import { createSecretBox, createStudioSecretBox } from './secret-fields.ts';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };
const boxV1 = createSecretBox(createLocalKeyProvider([v1]));
const boxV2ThenV1 = createSecretBox(createLocalKeyProvider([v2, v1]));
const record = 'users/0b7c1d2e/totp';

describe('createSecretBox', () => {
  it('seals strings and buffers into the documented format and opens them', async () => {
    const sealed = await boxV1.seal('JBSWY3DPEHPK3PXP', 'totp', record);
    expect(sealed).toMatch(/^sl2\.v1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url')).toHaveLength(12 + 16 + 16);
    expect((await boxV1.open(sealed, 'totp', record)).toString('utf8')).toBe('JBSWY3DPEHPK3PXP');

    const secret = randomBytes(64);
    expect(await boxV1.open(await boxV1.seal(secret, 'api-signing', record), 'api-signing', record)).toEqual(secret);
  });

  it('uses a fresh nonce for every seal', async () => {
    expect(await boxV1.seal('same', 'totp', record)).not.toBe(await boxV1.seal('same', 'totp', record));
  });

  it('reports the key version of a sealed value', async () => {
    expect(boxV2ThenV1.keyVersionOf(await boxV1.seal('x', 'totp', record))).toBe('v1');
    expect(boxV2ThenV1.keyVersionOf(await boxV2ThenV1.seal('x', 'totp', record))).toBe('v2');
    expect(() => boxV1.keyVersionOf('not sealed')).toThrow(IntegrityError);
  });

  it('opens values sealed under an older version after rotation', async () => {
    const sealed = await boxV1.seal('smtp-password', 'smtp', 'settings/smtp');
    expect((await boxV2ThenV1.open(sealed, 'smtp', 'settings/smtp')).toString()).toBe('smtp-password');
  });

  it('fails with UnknownKeyVersionError for a version the server lacks', async () => {
    const sealed = await boxV1.seal('x', 'totp', record);
    const boxV2Only = createSecretBox(createLocalKeyProvider([v2]));
    await expect(boxV2Only.open(sealed, 'totp', record)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('fails with IntegrityError for another purpose or another record', async () => {
    const sealed = await boxV1.seal('x', 'totp', record);
    await expect(boxV1.open(sealed, 'smtp', record)).rejects.toBeInstanceOf(IntegrityError);
    await expect(boxV1.open(sealed, 'totp', 'users/another/totp')).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with IntegrityError when the payload or the version label is tampered with', async () => {
    const sealed = await boxV2ThenV1.seal('x', 'totp', record);
    const [prefix, , payload] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(payload, 'base64url');
    flipped[20] = flipped[20]! ^ 0x01;
    await expect(boxV2ThenV1.open(`${prefix}.v2.${flipped.toString('base64url')}`, 'totp', record)).rejects.toBeInstanceOf(IntegrityError);
    await expect(boxV2ThenV1.open(`${prefix}.v1.${payload}`, 'totp', record)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('opens sl1 values sealed before key separation, which rotation re-seals as current ones', async () => {
    // As releases before key separation sealed: AES-256-GCM under HKDF-SHA-256(master, "shutterlock/v1/secret-field/<purpose>").
    const legacyKey = Buffer.from(hkdfSync('sha256', v1.key, Buffer.alloc(0), 'shutterlock/v1/secret-field/totp', 32));
    const legacy = `sl1.v1.${encryptAes256Gcm(legacyKey, Buffer.from('JBSWY3DPEHPK3PXP'), Buffer.from(record)).toString('base64url')}`;
    expect((await boxV2ThenV1.open(legacy, 'totp', record)).toString()).toBe('JBSWY3DPEHPK3PXP');
    expect(boxV1.isCurrent(legacy)).toBe(false);
    expect(boxV1.isCurrent(await boxV1.seal('x', 'totp', record))).toBe(true);
    expect(boxV2ThenV1.isCurrent(await boxV1.seal('x', 'totp', record))).toBe(false);
    // The field key is never the legacy one: an sl2 value relabelled sl1 does not open.
    const current = await boxV1.seal('x', 'totp', record);
    await expect(boxV1.open(current.replace(/^sl2/, 'sl1'), 'totp', record)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with IntegrityError for malformed values', async () => {
    const sealed = await boxV1.seal('x', 'totp', record);
    const payload = sealed.split('.')[2]!;
    for (const malformed of ['', 'sl2', 'sl2.v1', `sl3.v1.${payload}`, `sl0.v1.${payload}`, `sl2..${payload}`, `sl2.v1.${payload}.x`, `sl2.v1.${payload}=`, 'sl2.v1.']) {
      await expect(boxV1.open(malformed, 'totp', record)).rejects.toBeInstanceOf(IntegrityError);
    }
  });
});

describe('createStudioSecretBox blindIndex', () => {
  const sha256 = createHash('sha256').update('the same photo').digest('hex');

  it('is HMAC-SHA-256 under a key derived from the studio data key for the purpose, the same for the same input', () => {
    const dataKey = randomBytes(32);
    const box = createStudioSecretBox(dataKey, boxV1);
    const indexKey = Buffer.from(hkdfSync('sha512', dataKey, Buffer.alloc(0), 'shutterlock/v2/studio-index/vault-file-content', 32));
    const index = box.blindIndex(sha256, 'vault-file-content');
    expect(index).toBe(createHmac('sha256', indexKey).update(sha256, 'utf8').digest('hex'));
    expect(createStudioSecretBox(dataKey, boxV1).blindIndex(sha256, 'vault-file-content')).toBe(index);
    expect(index).not.toBe(sha256);
  });

  it('differs between studios and between purposes, and never uses the sealing key', async () => {
    const dataKey = randomBytes(32);
    const box = createStudioSecretBox(dataKey, boxV1);
    const index = box.blindIndex(sha256, 'vault-file-content');
    expect(createStudioSecretBox(randomBytes(32), boxV1).blindIndex(sha256, 'vault-file-content')).not.toBe(index);
    expect(box.blindIndex(sha256, 'another-purpose')).not.toBe(index);
    const fieldKey = Buffer.from(hkdfSync('sha512', dataKey, Buffer.alloc(0), 'shutterlock/v2/studio-field/vault-file-content', 32));
    expect(createHmac('sha256', fieldKey).update(sha256, 'utf8').digest('hex')).not.toBe(index);
    // Sealing still works beside it, with its own key.
    expect((await box.open(await box.seal('name', 'vault-file-name', 'vault_files/x/name'), 'vault-file-name', 'vault_files/x/name')).toString()).toBe('name');
  });
});
