import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, IntegrityError, UnknownKeyVersionError } from '../errors.ts';
import { DATA_KEY_BYTES, generateDataKey, unwrapDataKey, wrapDataKey } from './data-keys.ts';
import { createLocalKeyProvider } from './master-keys.ts';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };
const provider = createLocalKeyProvider([v1]);

describe('data keys', () => {
  it('generates distinct 32-byte keys', () => {
    const key = generateDataKey();
    expect(key).toHaveLength(DATA_KEY_BYTES);
    expect(generateDataKey().equals(key)).toBe(false);
  });

  it('wraps and unwraps a studio key', async () => {
    const key = generateDataKey();
    const wrapped = await wrapDataKey(provider, 'studio-a', key);
    expect(wrapped.keyVersion).toBe('v1');
    expect(await unwrapDataKey(provider, 'studio-a', wrapped)).toEqual(key);
  });

  it('refuses a wrapped key copied onto another studio', async () => {
    const wrapped = await wrapDataKey(provider, 'studio-a', generateDataKey());
    await expect(unwrapDataKey(provider, 'studio-b', wrapped)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('rewraps under the new version after rotation, and fails closed once the old version is gone', async () => {
    const key = generateDataKey();
    const wrappedV1 = await wrapDataKey(provider, 'studio-a', key);
    const rotated = createLocalKeyProvider([v2, v1]);
    const wrappedV2 = await wrapDataKey(rotated, 'studio-a', await unwrapDataKey(rotated, 'studio-a', wrappedV1));
    expect(wrappedV2.keyVersion).toBe('v2');

    const retired = createLocalKeyProvider([v2]);
    expect(await unwrapDataKey(retired, 'studio-a', wrappedV2)).toEqual(key);
    await expect(unwrapDataKey(retired, 'studio-a', wrappedV1)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('refuses to wrap something that is not a data key', async () => {
    await expect(wrapDataKey(provider, 'studio-a', randomBytes(16))).rejects.toBeInstanceOf(AppError);
  });
});
