import { hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, IntegrityError, UnknownKeyVersionError } from '../errors.ts';
import {
  type MasterKey,
  createLocalKeyProvider,
  decryptAes256Gcm,
  deriveMasterSubkey,
  encryptAes256Gcm,
  loadMasterKeyProvider,
  parseMasterKeys,
  wrapFormats,
} from './master-keys.ts';

const v1: MasterKey = { id: 'v1', key: randomBytes(32) };
const v2: MasterKey = { id: 'v2', key: randomBytes(32) };
const associatedData = Buffer.from('shutterlock/v1/test');

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

function expectMasterKeyInvalid(spec: string, messagePart: string, secret: string): void {
  const error = thrown(() => parseMasterKeys(spec));
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'master_key_invalid' });
  expect((error as AppError).message).toContain(messagePart);
  expect((error as AppError).message).not.toContain(secret);
}

describe('parseMasterKeys', () => {
  it('parses id:base64 pairs in order, the first being the active key', () => {
    const spec = ` v2:${v2.key.toString('base64')} ,\nv1:${v1.key.toString('base64')}\n`;
    expect(parseMasterKeys(spec)).toEqual([v2, v1]);
  });

  it('refuses an empty list', () => {
    expect(() => parseMasterKeys(' ')).toThrow(/empty/);
  });

  it('refuses an entry without an id, without echoing it', () => {
    const key = v1.key.toString('base64');
    expectMasterKeyInvalid(`v2:${v2.key.toString('base64')},${key}`, 'entry 2', key);
  });

  it('refuses a malformed id, without echoing it', () => {
    const key = v1.key.toString('base64');
    // A key pasted twice looks like an id made of key material.
    expectMasterKeyInvalid(`${key}:${key}`, 'entry 1:', key);
    expectMasterKeyInvalid(`V1:${key}`, 'the id must be', key);
  });

  it('refuses a key that is not strict base64, without echoing it', () => {
    const key = v1.key.toString('base64');
    expectMasterKeyInvalid(`v1:${key.slice(0, 20)}!${key.slice(20)}`, 'entry 1 ("v1")', key.slice(0, 20));
    expectMasterKeyInvalid(`v1:${v1.key.toString('base64url')}`, 'not valid standard base64', v1.key.toString('base64url'));
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expectMasterKeyInvalid(`v1:${short}`, 'exactly 32 bytes, got 16', short);
  });

  it('refuses duplicate ids', () => {
    expectMasterKeyInvalid(`v1:${v1.key.toString('base64')},v1:${v2.key.toString('base64')}`, 'entry 2 ("v1")', v2.key.toString('base64'));
  });
});

describe('createLocalKeyProvider', () => {
  it('wraps under the active version and unwraps', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const plaintext = randomBytes(32);
    const wrapped = await provider.wrap(plaintext, associatedData);
    expect(provider.activeVersion).toBe('v2');
    expect(provider.versions).toEqual(['v2', 'v1']);
    expect(wrapped.keyVersion).toBe('v2');
    expect(wrapped.ciphertext).toHaveLength(12 + 32 + 16);
    expect(await provider.unwrap(wrapped, associatedData)).toEqual(plaintext);
  });

  it('uses a fresh nonce for every wrap', async () => {
    const provider = createLocalKeyProvider([v1]);
    const plaintext = randomBytes(32);
    const first = await provider.wrap(plaintext, associatedData);
    const second = await provider.wrap(plaintext, associatedData);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it('unwraps keys wrapped under an older version that is still configured', async () => {
    const plaintext = randomBytes(32);
    const wrapped = await createLocalKeyProvider([v1]).wrap(plaintext, associatedData);
    expect(await createLocalKeyProvider([v2, v1]).unwrap(wrapped, associatedData)).toEqual(plaintext);
  });

  it('fails with UnknownKeyVersionError for a version it lacks, without trying the others', async () => {
    const wrapped = await createLocalKeyProvider([v1]).wrap(randomBytes(32), associatedData);
    await expect(createLocalKeyProvider([v2]).unwrap(wrapped, associatedData)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('fails with IntegrityError when a ciphertext is relabelled with another configured version', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const wrapped = await provider.wrap(randomBytes(32), associatedData);
    await expect(provider.unwrap({ ...wrapped, keyVersion: 'v1' }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with IntegrityError on tampered nonce, ciphertext or tag, truncation, or other associated data', async () => {
    const provider = createLocalKeyProvider([v1]);
    const wrapped = await provider.wrap(randomBytes(32), associatedData);
    for (const position of [0, 11, 12, 43, 44, 59]) {
      const ciphertext = Buffer.from(wrapped.ciphertext);
      ciphertext[position] = ciphertext[position]! ^ 0x01;
      await expect(provider.unwrap({ ...wrapped, ciphertext }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
    }
    for (const length of [0, 27, 59]) {
      const ciphertext = wrapped.ciphertext.subarray(0, length);
      await expect(provider.unwrap({ ...wrapped, ciphertext }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
    }
    await expect(provider.unwrap(wrapped, Buffer.from('shutterlock/v1/other'))).rejects.toBeInstanceOf(IntegrityError);
  });

  it('wraps under a wrapping subkey, never the raw master key, in format 2', async () => {
    const provider = createLocalKeyProvider([v1]);
    const plaintext = randomBytes(32);
    const wrapped = await provider.wrap(plaintext, associatedData);
    expect(wrapped.format).toBe(wrapFormats.wrappingSubkey);
    expect(() => decryptAes256Gcm(v1.key, wrapped.ciphertext, associatedData)).toThrow(IntegrityError);
    const wrappingKey = Buffer.from(hkdfSync('sha512', v1.key, Buffer.alloc(0), 'shutterlock/v2/wrapping', 32));
    expect(decryptAes256Gcm(wrappingKey, wrapped.ciphertext, associatedData)).toEqual(plaintext);
  });

  it('still unwraps format 1 (under the raw master key, as before key separation), and refuses unknown or relabelled formats', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const plaintext = randomBytes(32);
    const legacy = { keyVersion: 'v1', format: wrapFormats.rawMasterKey, ciphertext: encryptAes256Gcm(v1.key, plaintext, associatedData) };
    expect(await provider.unwrap(legacy, associatedData)).toEqual(plaintext);
    await expect(provider.unwrap({ ...legacy, format: wrapFormats.wrappingSubkey }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
    const current = await provider.wrap(plaintext, associatedData);
    await expect(provider.unwrap({ ...current, format: wrapFormats.rawMasterKey }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
    for (const format of [0, 3, 255]) await expect(provider.unwrap({ ...current, format }, associatedData)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('derives HKDF-SHA-512 purpose keys apart from the wrapping key, per purpose and version', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const active = await provider.deriveKey('code-pepper');
    const expected = Buffer.from(hkdfSync('sha512', v2.key, Buffer.alloc(0), 'shutterlock/v2/purpose/code-pepper', 32));
    expect(active).toEqual({ keyVersion: 'v2', key: expected });
    expect((await provider.deriveKey('code-pepper', 'v1')).key.equals(expected)).toBe(false);
    expect((await provider.deriveKey('secret-field/totp')).key.equals(expected)).toBe(false);
    expect(active.key.equals(v2.key)).toBe(false);
    expect(active.key.equals(Buffer.from(hkdfSync('sha512', v2.key, Buffer.alloc(0), 'shutterlock/v2/wrapping', 32)))).toBe(false);
    await expect(provider.deriveKey('code-pepper', 'v3')).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('derives the keys of releases before key separation only on request, to read what they wrote', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const legacy = Buffer.from(hkdfSync('sha256', v1.key, Buffer.alloc(0), 'shutterlock/v1/code-pepper', 32));
    expect((await provider.deriveLegacyKey('code-pepper', 'v1')).equals(legacy)).toBe(true);
    expect((await provider.deriveKey('code-pepper', 'v1')).key.equals(legacy)).toBe(false);
    await expect(provider.deriveLegacyKey('code-pepper', 'v3')).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('gives other uses of the master key (audit seal, backups) subkeys of their own', async () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const audit = await deriveMasterSubkey(provider, 'audit-seal');
    expect(audit.keyVersion).toBe('v2');
    expect(audit.key.equals(Buffer.from(hkdfSync('sha512', v2.key, Buffer.alloc(0), 'shutterlock/v2/purpose/subkey/audit-seal', 32)))).toBe(true);
    expect(audit.key.equals((await deriveMasterSubkey(provider, 'backup')).key)).toBe(false);
    expect((await deriveMasterSubkey(provider, 'audit-seal', 'v1')).key.equals(audit.key)).toBe(false);
    for (const purpose of ['', 'Audit', '../wrapping', 'a/b', 'x'.repeat(65)]) {
      await expect(deriveMasterSubkey(provider, purpose)).rejects.toMatchObject({ code: 'subkey_purpose_invalid' });
    }
  });

  it('keeps key material out of inspect, JSON and string output', () => {
    const provider = createLocalKeyProvider([v2, v1]);
    const rendered = [inspect(provider, { depth: Infinity, showHidden: true }), JSON.stringify(provider), String(provider)].join('\n');
    for (const { key } of [v1, v2]) {
      expect(rendered).not.toContain(key.toString('base64'));
      expect(rendered).not.toContain(key.toString('hex').slice(0, 16));
    }
  });

  it('validates keys given directly', () => {
    expect(() => createLocalKeyProvider([])).toThrow(AppError);
    expect(() => createLocalKeyProvider([{ id: 'v1', key: randomBytes(31) }])).toThrow(/32 bytes/);
  });
});

describe('loadMasterKeyProvider', () => {
  let dataDir: string;
  const warn = vi.fn<(message: string) => void>();

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shutterlock-keys-'));
    warn.mockReset();
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses SHUTTERLOCK_MASTER_KEYS when set, in production too', async () => {
    const masterKeys = `v2:${v2.key.toString('base64')},v1:${v1.key.toString('base64')}`;
    const provider = await loadMasterKeyProvider({ masterKeys, dataDir, production: true, warn });
    expect(provider.versions).toEqual(['v2', 'v1']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses to start in production without master keys', async () => {
    await expect(loadMasterKeyProvider({ dataDir, production: true, warn })).rejects.toMatchObject({
      code: 'master_key_missing',
      statusCode: 500,
    });
  });

  it('creates an owner-only development key, reuses it, and warns on every start', async () => {
    const first = await loadMasterKeyProvider({ dataDir, production: false, warn });
    const keyFile = join(dataDir, 'secrets', 'dev-master-key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await readFile(keyFile, 'utf8')).toMatch(/^dev1:[A-Za-z0-9+/]{43}=\n$/);
    expect(first.activeVersion).toBe('dev1');

    const wrapped = await first.wrap(randomBytes(32), associatedData);
    const second = await loadMasterKeyProvider({ dataDir, production: false, warn });
    await expect(second.unwrap(wrapped, associatedData)).resolves.toHaveLength(32);

    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1]?.[0]).toMatch(/DEVELOPMENT MASTER KEY.*NOT for production/);
  });

  it('refuses a development key file that group or others can read', async () => {
    await loadMasterKeyProvider({ dataDir, production: false, warn });
    await chmod(join(dataDir, 'secrets', 'dev-master-key'), 0o640);
    await expect(loadMasterKeyProvider({ dataDir, production: false, warn })).rejects.toMatchObject({
      code: 'master_key_file_insecure',
    });
  });
});
