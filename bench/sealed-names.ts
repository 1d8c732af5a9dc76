/**
 * Opening a page's worth of sealed file names, as sorting or searching by name does (up to
 * 20 000 per request, vault/files.ts): the key derivation per value that releases before
 * per-studio sealing ran (HKDF-SHA-256 from the master key for every name, then AES-256-GCM)
 * against a studio box (crypto/secret-fields.ts), which derives its field key once. Both run in
 * this process over the same names, alternately, and each reports the median of several runs.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { decryptAes256Gcm, encryptAes256Gcm, createLocalKeyProvider } from '../server/src/crypto/master-keys.ts';
import { createSecretBox, createStudioSecretBox } from '../server/src/crypto/secret-fields.ts';
import { median } from './harness.ts';

const NAMES = 20_000;
const RUNS = 7;
const PURPOSE = 'vault-file-name';

export async function runSealedNamesBench(): Promise<void> {
  const master = randomBytes(32);
  const dataKey = randomBytes(32);
  const legacy = createSecretBox(createLocalKeyProvider([{ id: 'v1', key: master }]));
  const names = Array.from({ length: NAMES }, (_, index) => ({ id: `file-${index}`, name: `IMG_${String(index).padStart(5, '0')}.jpg` }));
  const associatedData = (id: string) => Buffer.from(`vault_files/${id}/name`);

  const legacyKey = () => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `shutterlock/v1/secret-field/${PURPOSE}`, 32));
  const perValueSealed = names.map(({ id, name }) => encryptAes256Gcm(legacyKey(), Buffer.from(name), associatedData(id)));
  const box = createStudioSecretBox(dataKey, legacy);
  const studioSealed = await Promise.all(names.map(({ id, name }) => box.seal(name, PURPOSE, `vault_files/${id}/name`)));

  // Asynchronous per value, as SecretBox.open was (its provider.deriveKey is), so both sides pay the same promise overhead.
  const openPerValue = async (index: number, id: string) => decryptAes256Gcm(legacyKey(), perValueSealed[index] as Buffer, associatedData(id));
  const perValue = async () => {
    for (const [index, { id }] of names.entries()) await openPerValue(index, id);
  };
  const oncePerBox = async () => {
    const request = createStudioSecretBox(dataKey, legacy);
    for (const [index, { id }] of names.entries()) await request.open(studioSealed[index] as string, PURPOSE, `vault_files/${id}/name`);
  };
  const timed = async (work: () => Promise<void>) => {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const before: number[] = [];
  const after: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    before.push(await timed(perValue));
    after.push(await timed(oncePerBox));
  }
  const [beforeMs, afterMs] = [median(before), median(after)];
  process.stdout.write(
    [
      `\nOpening ${NAMES} sealed names (one name-sorted page), median of ${RUNS}:`,
      `  HKDF per value (before)     ${beforeMs.toFixed(1).padStart(8)} ms`,
      `  field key once per box      ${afterMs.toFixed(1).padStart(8)} ms   ${(beforeMs / afterMs).toFixed(2)}x faster`,
      '',
    ].join('\n'),
  );
}
