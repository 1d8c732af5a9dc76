import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import UAParser from 'ua-parser-js';

/** Who is asking, as far as the network tells: for audit events, session lists and rate limits. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

/** Where a request came from, for audit events, session lists and per-IP limits (honours TRUST_PROXY). */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: (request.headers['user-agent'] ?? '').slice(0, 400) };
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): string[] {
  const withoutZone = address.split('%')[0] ?? '';
  const [head = '', tail] = withoutZone.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

/** The network of the first `groups` 16-bit groups of an IPv6 address, e.g. `2001:db8:0::/48` for 3. */
export function ipv6Network(address: string, groups: number): string {
  return `${ipv6Groups(address)
    .slice(0, groups)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/${groups * 16}`;
}

/**
 * The key of per-network rate limits. An IPv4 address is one client; an IPv6 client usually
 * holds a whole /64 and can change address within it at will, so the /64 is the key.
 */
export function rateLimitNetwork(ip: string): string {
  if (!isIPv6(ip) || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.replace(/^::ffff:/i, '');
  return ipv6Network(ip, 4);
}

/** A browser and system as people name them ("Firefox 128 on Ubuntu"), from a User-Agent. */
export function describeDevice(userAgent: string): string {
  const parsed = new UAParser(userAgent).getResult();
  const browser = [parsed.browser.name, parsed.browser.major].filter(Boolean).join(' ');
  const system = [parsed.os.name, parsed.os.version].filter(Boolean).join(' ');
  if (!browser && !system) return userAgent ? 'Unknown device' : 'Command line or script';
  return [browser || 'Unknown browser', system].filter(Boolean).join(' on ');
}

/**
 * The network a request came from, without the exact address: enough to recognise "home" or
 * "the studio" and to spot a stranger. (No geolocation database is shipped.)
 */
export function describePlace(ip: string): string {
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    if (/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(v4)) return `Local network (${v4.split('.').slice(0, 3).join('.')}.x)`;
    return `Network ${v4.split('.').slice(0, 3).join('.')}.x`;
  }
  if (ip === '::1') return 'This machine';
  return `Network ${ipv6Network(ip, 3)}`;
}
