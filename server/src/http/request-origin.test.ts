import { describe, expect, it } from 'vitest';
import { rateLimitNetwork } from './request-origin.ts';

describe('rateLimitNetwork', () => {
  it('keys an IPv4 client by its address, also when written as IPv4-mapped IPv6', () => {
    expect(rateLimitNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('keys an IPv6 client by its /64, whichever address in it and however it is written', () => {
    const network = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::9', '2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::']) {
      expect(rateLimitNetwork(address), address).toBe(network);
    }
    expect(rateLimitNetwork('2001:db8:1:3::1')).not.toBe(network);
    expect(rateLimitNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
