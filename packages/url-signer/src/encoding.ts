import { UrlSignerError } from './errors.ts';

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUES = new Map([...BASE64URL_ALPHABET].map((char, index) => [char, index]));
const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})+$/;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8 and refuses invalid sequences instead of inventing U+FFFD characters. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function isHex(text: string): boolean {
  return HEX_PATTERN.test(text);
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** URL-safe base64 without padding (RFC 4648 §5), what OptStuff and imgproxy both emit. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let output = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    output +=
      BASE64URL_ALPHABET[chunk >> 18]! +
      BASE64URL_ALPHABET[(chunk >> 12) & 63]! +
      BASE64URL_ALPHABET[(chunk >> 6) & 63]! +
      BASE64URL_ALPHABET[chunk & 63]!;
  }
  const remaining = bytes.length - index;
  if (remaining === 1) {
    const chunk = bytes[index]! << 16;
    output += BASE64URL_ALPHABET[chunk >> 18]! + BASE64URL_ALPHABET[(chunk >> 12) & 63]!;
  } else if (remaining === 2) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    output +=
      BASE64URL_ALPHABET[chunk >> 18]! +
      BASE64URL_ALPHABET[(chunk >> 12) & 63]! +
      BASE64URL_ALPHABET[(chunk >> 6) & 63]!;
  }
  return output;
}

/**
 * Decodes unpadded URL-safe base64 the way Go's `base64.RawURLEncoding` does (imgproxy's
 * decoder): only the URL-safe alphabet, a length that is not 1 modulo 4, and unused trailing
 * bits tolerated. Returns undefined when the text is not base64url.
 */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (const char of text) {
    const value = BASE64URL_VALUES.get(char);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written] = (buffer >> bits) & 0xff;
      written += 1;
    }
  }
  return bytes.subarray(0, written);
}

/**
 * Percent-encodes every character outside `safe` as UTF-8 `%XX`. The decoded form of the
 * result is always the input, whatever decoder (decodeURIComponent, Go's PathUnescape) reads it.
 */
export function percentEncode(text: string, safe: RegExp): string {
  let output = '';
  for (const char of text) {
    if (safe.test(char)) {
      output += char;
      continue;
    }
    for (const byte of utf8(char)) {
      output += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return output;
}

/** decodeURIComponent that answers undefined instead of throwing on malformed input. */
export function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Sources longer than this are refused by both URL formats. */
export const MAX_SOURCE_LENGTH = 2048;
// Controls are refused rather than encoded: they have no place in an image source.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** What every source must be: non-empty text up to MAX_SOURCE_LENGTH, no controls, no unpaired surrogates. */
export function checkSourceText(source: string): void {
  if (typeof source !== 'string' || source.length === 0) {
    throw new UrlSignerError('invalid_source', 'source must be a non-empty string');
  }
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new UrlSignerError('invalid_source', `source is longer than ${MAX_SOURCE_LENGTH} characters`);
  }
  if (!source.isWellFormed() || CONTROL_CHARACTERS.test(source)) {
    throw new UrlSignerError('invalid_source', 'source contains control characters or unpaired surrogates');
  }
}
