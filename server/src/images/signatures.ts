import { createHmac } from 'node:crypto';
import { OPTSTUFF_SIGNATURE_LENGTH, optStuffSignaturePayload, signImgproxyPath } from '@shutterlock/url-signer';
import { constantTimeEqual } from '../crypto/hashing.ts';
import type { SecretBox } from '../crypto/secret-fields.ts';
import type { ProjectRow } from './repo.ts';
import { openImgproxyCredentials } from './secrets.ts';

/**
 * Checking signatures over @shutterlock/url-signer's own definitions (the same code studio
 * websites sign with), compared in constant time. OptStuff's reading of a source can differ
 * from ours (it decodes twice); both are tried, and the one that verified is served.
 */

/**
 * OptStuff's `sig` over the package's payload (`optStuffSignaturePayload`), with node:crypto's
 * HMAC: the package's Web Crypto signing is asynchronous and queues on libuv's thread pool with
 * every file read, which on the busiest route cost more than the rest of the request. The
 * package's signOptStuff is the reference it is tested against (images/signatures.test.ts).
 */
export function optStuffSignature(secretKey: string, operations: string, source: string, expiresAt?: number): string {
  return createHmac('sha256', secretKey).update(optStuffSignaturePayload(operations, source, expiresAt)).digest('base64url').slice(0, OPTSTUFF_SIGNATURE_LENGTH);
}

const SIGNATURE_TEXT = /^[A-Za-z0-9_-]+$/;

/** The reading of the source that `sig` signs, or undefined when none does. Every candidate is computed and compared. */
export async function verifyOptStuff(input: { secrets: readonly string[]; operations: string; sources: readonly string[]; expiresAt?: number; sig: string }): Promise<string | undefined> {
  if (input.sig.length !== OPTSTUFF_SIGNATURE_LENGTH || !SIGNATURE_TEXT.test(input.sig)) return undefined;
  let verified: string | undefined;
  for (const secretKey of input.secrets) {
    for (const source of input.sources) {
      const expected = optStuffSignature(secretKey, input.operations, source, input.expiresAt);
      if (constantTimeEqual(expected, input.sig) && verified === undefined) verified = source;
    }
  }
  return verified;
}

/** The project (among those with the slug and the format on) whose key and salt sign `signedPath`. */
export async function verifyImgproxy(secrets: SecretBox, candidates: readonly ProjectRow[], signedPath: string, signature: string): Promise<ProjectRow | undefined> {
  if (!SIGNATURE_TEXT.test(signature) || signature.length > 43) return undefined;
  let verified: ProjectRow | undefined;
  for (const project of candidates) {
    const credentials = await openImgproxyCredentials(secrets, project.id, { key: project.imgproxy_key_sealed!, salt: project.imgproxy_salt_sealed! });
    const expected = await signImgproxyPath({ ...credentials, signatureSize: project.imgproxy_signature_size, path: signedPath });
    if (constantTimeEqual(expected, signature) && verified === undefined) verified = project;
  }
  return verified;
}
