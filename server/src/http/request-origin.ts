import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../auth/context.ts';

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
