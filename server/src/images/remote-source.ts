import { lookup as dnsLookup } from 'node:dns/promises';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.ts';
import { detectPhotoType, SNIFF_BYTES } from '../imaging/file-types.ts';

// `node:http` through getBuiltinModule, not an ES import: importing it builds its module namespace,
// which reads its WebSocket exports and so loads Node's whole fetch implementation (undici,
// +15 MiB in a bare process; docs/performance.md, 4 December 2026).
const http = process.getBuiltinModule('node:http');

/**
 * Fetching a remote source without letting a URL reach anything but the public internet
 * (docs/imaging.md, "Remote sources"). For each hop: http or https only, no credentials in
 * the URL, the host on the allowlist; the name resolved once, every address it resolves to
 * public unicast (ipaddr.js classifies the ranges: loopback, private, link-local — so the
 * cloud metadata address —, CGNAT, unique-local, multicast, reserved, IPv4-mapped, NAT64,
 * 6to4, Teredo are all refused), and the connection made to that checked address only (the
 * socket's lookup answers it, so a second resolution cannot swap it). At most three
 * redirects, each checked the same way; one deadline for the whole fetch; a size cap counted
 * as bytes arrive; the content sniffed before any decoder sees it.
 */

export type AddressLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface RemoteFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Whether a URL (the first and every redirect target) may be fetched: the allowlists. */
  allowed(url: URL): boolean;
  /** DNS, injectable for tests. */
  lookup?: AddressLookup;
  /** Which resolved addresses may be connected to: public unicast unless a test serves from loopback. */
  addressAllowed?: (address: string) => boolean;
}

export interface RemoteImage {
  bytes: Buffer;
  mediaType: string;
  /** Where the bytes came from after redirects. */
  url: URL;
}

export const MAX_REDIRECTS = 3;

export function sourceNotAllowed(message = 'This source is not on the project’s allowlist.'): AppError {
  return new AppError('source_not_allowed', message, 403);
}

function sourceUnavailable(message: string): AppError {
  return new AppError('source_unavailable', message, 422);
}

const defaultLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it: IPv4-compatible
 * `::/96` (which ipaddr.js calls plain unicast), IPv4-mapped `::ffff:0:0/96`, IPv4-translated
 * `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16` (the 32 bits after the prefix).
 * `null` for a translation prefix whose embedding is not fixed (local-use NAT64
 * `64:ff9b:1::/48`): refused. `undefined` when the address embeds none.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null | undefined {
  const parts = address.parts;
  const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zeros = (from: number, to: number) => parts.slice(from, to).every((part) => part === 0);
  if (zeros(0, 6)) return fromWords(parts[6]!, parts[7]!); // ::/96, including :: and ::1 (0.0.0.0, 0.0.0.1: refused)
  if (zeros(0, 5) && parts[5] === 0xffff) return fromWords(parts[6]!, parts[7]!); // ::ffff:0:0/96
  if (zeros(0, 4) && parts[4] === 0xffff && parts[5] === 0) return fromWords(parts[6]!, parts[7]!); // ::ffff:0:0:0/96
  if (parts[0] === 0x64 && parts[1] === 0xff9b && zeros(2, 6)) return fromWords(parts[6]!, parts[7]!); // 64:ff9b::/96
  if (parts[0] === 0x64 && parts[1] === 0xff9b) return null; // 64:ff9b:1::/48 and the rest of 64:ff9b::/32
  if (parts[0] === 0x2002) return fromWords(parts[1]!, parts[2]!); // 2002::/16
  return undefined;
}

/**
 * Whether an address is one a remote source may live at: public unicast only. ipaddr.js names
 * every other range; an IPv6 address that embeds an IPv4 address (embeddedIPv4) is judged by
 * the IPv4 address it reaches, so `::7f00:1` or `64:ff9b::a00:1` never reach loopback or a
 * private network.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
    if (embedded !== undefined) return embedded !== null && embedded.range() === 'unicast';
  }
  return parsed.range() === 'unicast';
}

/** The one address to connect to for this URL's host, checked; throws `source_not_allowed`. */
async function checkedAddress(url: URL, lookup: AddressLookup, addressAllowed: (address: string) => boolean): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) {
    if (!addressAllowed(host)) throw sourceNotAllowed('This source’s address is not a public one.');
    return { address: host, family: isIP(host) as 4 | 6 };
  }
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await lookup(host);
  } catch {
    throw sourceUnavailable('The source’s host name does not resolve.');
  }
  if (addresses.length === 0) throw sourceUnavailable('The source’s host name does not resolve.');
  // Every answer must be public: a name that also resolves inside the network is refused whole.
  if (!addresses.every((entry) => addressAllowed(entry.address))) throw sourceNotAllowed('This source’s host resolves to an address that is not public.');
  const chosen = addresses[0]!;
  return { address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

function checkUrl(url: URL, options: RemoteFetchOptions): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw sourceNotAllowed('Only http and https sources are fetched.');
  if (url.username !== '' || url.password !== '') throw sourceNotAllowed('Source URLs must not carry credentials.');
  if (!options.allowed(url)) throw sourceNotAllowed();
}

/** A socket lookup that answers only the address already checked, however it is asked. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

type Hop = { redirect: URL } | { image: RemoteImage };

function oneHop(url: URL, pinned: { address: string; family: 4 | 6 }, options: RemoteFetchOptions, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      lookup: pinnedLookup(pinned.address, pinned.family),
      signal,
      headers: { accept: 'image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8', 'user-agent': 'Shutterlock image service' },
      // No pooled sockets: each hop connects to its own checked address.
      agent: false,
    });
    request.on('error', (error) => reject(signal.aborted ? sourceUnavailable('The source took too long to answer.') : error instanceof AppError ? error : sourceUnavailable('The source could not be fetched.')));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304 && response.headers.location) {
        response.resume();
        let next: URL;
        try {
          next = new URL(response.headers.location, url);
        } catch {
          reject(sourceUnavailable('The source redirected to an invalid URL.'));
          return;
        }
        resolve({ redirect: next });
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(sourceUnavailable(`The source answered ${status}.`));
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        request.destroy();
        reject(new AppError('source_too_large', `The source is larger than ${options.maxBytes} bytes.`, 413));
        return;
      }
      const pieces: Buffer[] = [];
      let received = 0;
      response.on('data', (piece: Buffer) => {
        received += piece.length;
        if (received > options.maxBytes) {
          request.destroy();
          reject(new AppError('source_too_large', `The source is larger than ${options.maxBytes} bytes.`, 413));
          return;
        }
        pieces.push(piece);
      });
      response.on('error', () => reject(signal.aborted ? sourceUnavailable('The source took too long to answer.') : sourceUnavailable('The source could not be fetched.')));
      response.on('end', () => {
        const bytes = Buffer.concat(pieces, received);
        void detectPhotoType(bytes.subarray(0, SNIFF_BYTES)).then((type) => {
          if (!type || type.check === 'raw') reject(new AppError('source_not_image', 'The source is not an image this service reads.', 415));
          else resolve({ image: { bytes, mediaType: type.mediaType, url } });
        }, reject);
      });
    });
    request.end();
  });
}

export async function fetchRemoteImage(start: URL, options: RemoteFetchOptions): Promise<RemoteImage> {
  const lookup = options.lookup ?? defaultLookup;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    checkUrl(url, options);
    const pinned = await checkedAddress(url, lookup, options.addressAllowed ?? isPublicAddress);
    if (signal.aborted) throw sourceUnavailable('The source took too long to answer.');
    const answer = await oneHop(url, pinned, options, signal);
    if ('image' in answer) return answer.image;
    url = answer.redirect;
  }
  throw sourceUnavailable(`The source redirected more than ${MAX_REDIRECTS} times.`);
}
