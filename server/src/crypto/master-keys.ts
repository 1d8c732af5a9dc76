import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, IntegrityError, UnknownKeyVersionError } from '../errors.ts';

/**
 * Master keys (key-encryption keys) are the root of the key hierarchy described in
 * docs/security/crypto.md. Callers only see `MasterKeyProvider`, so a KMS-backed provider can
 * replace the environment-backed one without touching them.
 */

/**
 * The formats of a wrapped key. 1: AES-256-GCM directly under the raw master key (releases
 * before key separation; read only). 2: AES-256-GCM under the master key's wrapping subkey.
 * Anything else is refused: a format this server does not know is never guessed at.
 */
export const wrapFormats = { rawMasterKey: 1, wrappingSubkey: 2 } as const;
export type WrapFormat = (typeof wrapFormats)[keyof typeof wrapFormats];

/** A key encrypted under one master key version; `ciphertext` is nonce || AES-256-GCM ciphertext || tag. */
export interface WrappedKey {
  keyVersion: string;
  /** Stored beside the ciphertext (a number column), so old wraps stay readable after a format change. */
  format: number;
  ciphertext: Buffer;
}

export interface MasterKeyProvider {
  readonly activeVersion: string;
  readonly versions: readonly string[];
  /** Always wraps under the active version, in the current format. */
  wrap(plaintextKey: Buffer, associatedData: Buffer): Promise<WrappedKey>;
  /**
   * Unwraps with exactly `wrapped.keyVersion` and `wrapped.format`: UnknownKeyVersionError if
   * this provider lacks the version, IntegrityError for an unknown format or failed
   * authentication. Never tries another version or format.
   */
  unwrap(wrapped: WrappedKey, associatedData: Buffer): Promise<Buffer>;
  /**
   * A purpose key: HKDF-SHA-512(master key, empty salt, info "shutterlock/v2/purpose/" + purpose).
   * Active version unless given. The wrapping subkey's info ("shutterlock/v2/wrapping") can
   * never equal a purpose info, so no purpose key is ever the wrapping key.
   */
  deriveKey(purpose: string, version?: string): Promise<{ keyVersion: string; key: Buffer }>;
  /**
   * The key derivation of releases before key separation (HKDF-SHA-256, info
   * "shutterlock/v1/" + purpose, the raw master key doubling as wrapping key). Only for
   * reading what they wrote: `sl1` sealed fields, and code peppers being moved into
   * wrapped peppers (keys/peppers.ts). Nothing new is ever made with it.
   */
  deriveLegacyKey(purpose: string, version: string): Promise<Buffer>;
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[a-z0-9_-]{1,32}$/;
const LEGACY_DERIVATION_INFO_PREFIX = 'shutterlock/v1/';
const PURPOSE_INFO_PREFIX = 'shutterlock/v2/purpose/';
const WRAPPING_INFO = 'shutterlock/v2/wrapping';
const DEVELOPMENT_KEY_ID = 'dev1';

/**
 * AES-256-GCM with a fresh random 96-bit nonce, returned as nonce || ciphertext || tag. Random
 * nonces are safe well past any volume one key sees here (the bound is ~2^32 messages per key).
 * Exported so secret-fields.ts shares the one implementation.
 */
export function encryptAes256Gcm(key: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Inverse of `encryptAes256Gcm`; any truncation, tampering, wrong key or wrong AD is an IntegrityError. */
export function decryptAes256Gcm(key: Buffer, sealed: Buffer, associatedData: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new IntegrityError();
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const ciphertext = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new IntegrityError(undefined, error);
  }
}

function invalidMasterKey(message: string): AppError {
  return new AppError('master_key_invalid', message, 500);
}

/** Names an entry by position, and by id only once the id is known to be an id: a malformed entry may be key material. */
function describeEntry(index: number, id: string): string {
  return KEY_ID_PATTERN.test(id) ? `Master key entry ${index + 1} ("${id}")` : `Master key entry ${index + 1}`;
}

function assertValidMasterKeys(keys: readonly MasterKey[]): asserts keys is readonly [MasterKey, ...MasterKey[]] {
  if (keys.length === 0) throw invalidMasterKey('At least one master key is required.');
  const seen = new Set<string>();
  keys.forEach(({ id, key }, index) => {
    const entry = describeEntry(index, id);
    if (!KEY_ID_PATTERN.test(id)) throw invalidMasterKey(`${entry}: the id must be 1-32 characters of a-z, 0-9, "_" or "-".`);
    if (key.length !== KEY_BYTES) throw invalidMasterKey(`${entry}: the key must be exactly ${KEY_BYTES} bytes, got ${key.length}.`);
    if (seen.has(id)) throw invalidMasterKey(`${entry}: the id is used more than once.`);
    seen.add(id);
  });
}

/**
 * Parses `id:base64,id:base64,...` (the format of SHUTTERLOCK_MASTER_KEYS); the first entry is
 * the active version. Keys are standard padded base64 (`openssl rand -base64 32`), checked by
 * round trip because Node's decoder silently skips invalid characters and would hand back a
 * different key. Error messages never echo key material.
 */
export function parseMasterKeys(spec: string): MasterKey[] {
  if (spec.trim() === '') throw invalidMasterKey('The master key list is empty.');
  const keys = spec.split(',').map((rawEntry, index) => {
    const entry = rawEntry.trim();
    const separator = entry.indexOf(':');
    if (separator === -1) throw invalidMasterKey(`Master key entry ${index + 1}: expected "<id>:<base64 key>".`);
    const id = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    const key = Buffer.from(encoded, 'base64');
    if (key.toString('base64') !== encoded) {
      throw invalidMasterKey(`${describeEntry(index, id)}: the key is not valid standard base64.`);
    }
    return { id, key };
  });
  assertValidMasterKeys(keys);
  return keys;
}

/**
 * The environment-backed provider. Key bytes live only in this closure (copied, so the caller's
 * buffers can be discarded), never on the returned object, so logging or inspecting it shows
 * version ids only.
 */
export function createLocalKeyProvider(keys: readonly MasterKey[]): MasterKeyProvider {
  assertValidMasterKeys(keys);
  const keysByVersion = new Map(keys.map(({ id, key }) => [id, Buffer.from(key)]));
  // Derived once per version: every wrap and unwrap needs it.
  const wrappingKeys = new Map(keys.map(({ id, key }) => [id, hkdfSha512(key, WRAPPING_INFO)]));
  const versions = Object.freeze(keys.map(({ id }) => id));
  const activeVersion = keys[0].id;

  function fromVersion<T>(keyMap: Map<string, T>, version: string): T {
    const key = keyMap.get(version);
    if (key === undefined) throw new UnknownKeyVersionError(version);
    return key;
  }

  function unwrappingKey(wrapped: WrappedKey): Buffer {
    switch (wrapped.format) {
      case wrapFormats.wrappingSubkey:
        return fromVersion(wrappingKeys, wrapped.keyVersion);
      case wrapFormats.rawMasterKey:
        return fromVersion(keysByVersion, wrapped.keyVersion);
      default:
        throw new IntegrityError('A wrapped key has a format this server does not know.');
    }
  }

  return Object.freeze({
    activeVersion,
    versions,
    async wrap(plaintextKey: Buffer, associatedData: Buffer): Promise<WrappedKey> {
      const ciphertext = encryptAes256Gcm(fromVersion(wrappingKeys, activeVersion), plaintextKey, associatedData);
      return { keyVersion: activeVersion, format: wrapFormats.wrappingSubkey, ciphertext };
    },
    async unwrap(wrapped: WrappedKey, associatedData: Buffer): Promise<Buffer> {
      return decryptAes256Gcm(unwrappingKey(wrapped), wrapped.ciphertext, associatedData);
    },
    async deriveKey(purpose: string, version = activeVersion): Promise<{ keyVersion: string; key: Buffer }> {
      return { keyVersion: version, key: hkdfSha512(fromVersion(keysByVersion, version), PURPOSE_INFO_PREFIX + purpose) };
    },
    async deriveLegacyKey(purpose: string, version: string): Promise<Buffer> {
      const derived = hkdfSync('sha256', fromVersion(keysByVersion, version), Buffer.alloc(0), LEGACY_DERIVATION_INFO_PREFIX + purpose, KEY_BYTES);
      return Buffer.from(derived);
    },
  });
}

/** The master keys are uniformly random, so HKDF needs no salt; the info string separates uses. */
function hkdfSha512(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha512', masterKey, Buffer.alloc(0), info, KEY_BYTES));
}

/**
 * A purpose key of its own for a use of the master key that is not wrapping keys or sealing
 * fields (an audit-log seal, backup encryption, …): HKDF-SHA-512 with info
 * "shutterlock/v2/purpose/subkey/<purpose>", so it never equals the wrapping key, a
 * secret-field key or another purpose's key. Derived from the active version unless `version`
 * names the one a stored value records; store that version with whatever it protects.
 */
export async function deriveMasterSubkey(provider: MasterKeyProvider, purpose: string, version?: string): Promise<{ keyVersion: string; key: Buffer }> {
  if (!SUBKEY_PURPOSE_PATTERN.test(purpose)) {
    throw new AppError('subkey_purpose_invalid', 'A subkey purpose is 1-64 characters of a-z, 0-9 and "-".', 500);
  }
  return provider.deriveKey(`subkey/${purpose}`, version);
}

const SUBKEY_PURPOSE_PATTERN = /^[a-z0-9-]{1,64}$/;

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** Reads the file through one handle so the permission check and the read see the same file. */
async function readOwnerOnlyFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) {
      throw new AppError(
        'master_key_file_insecure',
        `The development master key file ${path} is accessible to group or others (mode ${(mode & 0o777).toString(8)}). Run "chmod 600" on it.`,
        500,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Creating with `wx` first, rather than checking for existence, leaves no window in which two processes write different keys. */
async function readOrCreateDevelopmentKeys(path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${DEVELOPMENT_KEY_ID}:${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (!isErrorCode(error, 'EEXIST')) throw error;
  }
  return readOwnerOnlyFile(path);
}

function developmentKeyPath(dataDir: string): string {
  return join(dataDir, 'secrets', 'dev-master-key');
}

/**
 * Development rotation: puts a new random version first in the development key file (keeping
 * the old ones readable) and returns its id. Written to a temporary file and renamed, so a
 * crash never leaves a half-written key file.
 */
export async function addDevelopmentKeyVersion(dataDir: string): Promise<string> {
  const path = developmentKeyPath(dataDir);
  const existing = parseMasterKeys((await readOrCreateDevelopmentKeys(path)).trim());
  const taken = new Set(existing.map(({ id }) => id));
  let number = existing.length + 1;
  while (taken.has(`dev${number}`)) number += 1;
  const id = `dev${number}`;
  const entries = [`${id}:${randomBytes(KEY_BYTES).toString('base64')}`, ...existing.map((key) => `${key.id}:${key.key.toString('base64')}`)];
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${entries.join(',')}\n`, { flag: 'wx', mode: 0o600 });
  await rename(temporary, path);
  return id;
}

/**
 * SHUTTERLOCK_MASTER_KEYS when given; otherwise production refuses to start, and development
 * uses a generated key kept at `<dataDir>/secrets/dev-master-key`, warning on every start
 * because that key sits next to the data it protects.
 */
export async function loadMasterKeyProvider(options: {
  masterKeys?: string;
  dataDir: string;
  production: boolean;
  warn: (message: string) => void;
}): Promise<MasterKeyProvider> {
  if (options.masterKeys !== undefined) return createLocalKeyProvider(parseMasterKeys(options.masterKeys));
  if (options.production) {
    throw new AppError(
      'master_key_missing',
      'SHUTTERLOCK_MASTER_KEYS must be set in production: a comma-separated list of "<id>:<base64 32-byte key>", active key first (see docs/security/crypto.md).',
      500,
    );
  }
  const path = developmentKeyPath(options.dataDir);
  const provider = createLocalKeyProvider(parseMasterKeys(await readOrCreateDevelopmentKeys(path)));
  options.warn(
    `USING THE DEVELOPMENT MASTER KEY in ${path}. It is NOT for production: it is stored next to the data it protects, so anyone with a copy of the data directory can decrypt everything. Set SHUTTERLOCK_MASTER_KEYS (see docs/security/crypto.md).`,
  );
  return provider;
}
