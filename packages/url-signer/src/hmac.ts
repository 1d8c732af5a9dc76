import { UrlSignerError } from './errors.ts';

/**
 * HMAC-SHA256 through Web Crypto only, so the same code runs in Node, Deno, Bun, browsers and
 * edge runtimes (Cloudflare Workers, Vercel Edge) without a dependency.
 */
export async function hmacSha256(key: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new UrlSignerError(
      'crypto_unavailable',
      'Web Crypto (globalThis.crypto.subtle) is not available in this runtime',
    );
  }
  const cryptoKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, message));
}

export function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
