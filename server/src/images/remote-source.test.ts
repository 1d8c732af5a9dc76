import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../../test/images.ts';
import { AppError } from '../errors.ts';
import { type AddressLookup, type RemoteFetchOptions, fetchRemoteImage, isPublicAddress } from './remote-source.ts';

/**
 * SSRF rules of remote sources, against a local HTTP server and a stub resolver: the server
 * is reached only as the pinned address of a name the stub resolves, so every hop's checks
 * (allowlist, resolved addresses, redirects, size, time, content) are exercised for real.
 */

const loopbackOnly = (address: string) => address === '127.0.0.1';

describe('remote sources', () => {
  let server: http.Server;
  let port: number;
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await photo('jpeg', { width: 40, height: 30 });
    server = http.createServer((request, response) => {
      const path = request.url ?? '/';
      if (path === '/a.jpg') return void response.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      if (path === '/page.html') return void response.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html><script>alert(1)</script></html>');
      if (path === '/big-declared') return void response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
      if (path === '/big-chunked') {
        response.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 64 && response.write(chunk)) sent += 1;
          if (sent < 64) response.once('drain', pump);
          else response.end();
        };
        return void pump();
      }
      if (path === '/slow') return void response.writeHead(200).write(jpeg.subarray(0, 10));
      if (path.startsWith('/redirect/')) return void response.writeHead(302, { location: decodeURIComponent(path.slice('/redirect/'.length)) }).end();
      if (path === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  const lookup: AddressLookup = async (hostname) => {
    const table: Record<string, string[]> = {
      'images.test': ['127.0.0.1'],
      'internal.test': ['10.0.0.7'],
      'mixed.test': ['127.0.0.1', '192.168.0.3'],
      'metadata.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:127.0.0.1'],
    };
    const found = table[hostname];
    if (!found) throw new Error('ENOTFOUND');
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const options = (overrides: Partial<RemoteFetchOptions> = {}): RemoteFetchOptions => ({
    maxBytes: 1024 * 1024,
    timeoutMs: 1_000,
    allowed: (url) => url.hostname.endsWith('.test'),
    lookup,
    addressAllowed: loopbackOnly,
    ...overrides,
  });
  const refusal = async (url: string, overrides: Partial<RemoteFetchOptions> = {}): Promise<[number, string]> => {
    try {
      await fetchRemoteImage(new URL(url), options(overrides));
    } catch (error) {
      if (error instanceof AppError) return [error.statusCode, error.code];
      throw error;
    }
    throw new Error(`fetched ${url}`);
  };

  it('knows public addresses from every other range', () => {
    // An IPv6 address that embeds an IPv4 one is judged by the IPv4 address it reaches.
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) expect(isPublicAddress(address), address).toBe(true);
    const refused = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::1', 'not-an-address',
      // IPv4-compatible ::/96 (ipaddr.js calls it unicast), IPv4-translated, NAT64 and 6to4 forms of loopback, private and metadata addresses.
      '::7f00:1', '::a00:1', '::a9fe:a9fe', '::c0a8:101', '::ffff:0:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::808:808', '2002:a00:1::', '2002:a9fe:a9fe::1', '2002:7f00:1::'];
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false);
  });

  it('connects to the checked address only, and sniffs the content', async () => {
    const image = await fetchRemoteImage(new URL(`http://images.test:${port}/a.jpg`), options());
    expect([image.mediaType, image.bytes.equals(jpeg)]).toEqual(['image/jpeg', true]);
    expect(await refusal(`http://images.test:${port}/page.html`)).toEqual([415, 'source_not_image']);
  });

  it('refuses names resolving to private, loopback, metadata or mapped addresses (with the real address rules)', async () => {
    const real = { addressAllowed: isPublicAddress };
    expect(await refusal(`http://images.test:${port}/a.jpg`, real)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://internal.test:${port}/a.jpg`, real)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://metadata.test/latest/meta-data/`, real)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://mapped.test:${port}/a.jpg`, real)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://mixed.test:${port}/a.jpg`)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://[::ffff:7f00:1]:${port}/a.jpg`, { ...real, allowed: () => true })).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://0x7f.1:${port}/a.jpg`, { ...real, allowed: () => true })).toEqual([403, 'source_not_allowed']);
  });

  it('refuses other schemes, credentials and hosts off the allowlist', async () => {
    expect(await refusal('file:///etc/passwd', { allowed: () => true })).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://user:pw@images.test:${port}/a.jpg`)).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://images.example:${port}/a.jpg`)).toEqual([403, 'source_not_allowed']);
  });

  it('checks every redirect, at most three', async () => {
    const via = (target: string) => `http://images.test:${port}/redirect/${encodeURIComponent(target)}`;
    expect((await fetchRemoteImage(new URL(via(`http://images.test:${port}/a.jpg`)), options())).bytes.equals(jpeg)).toBe(true);
    expect(await refusal(via(`http://internal.test:${port}/a.jpg`))).toEqual([403, 'source_not_allowed']);
    expect(await refusal(via(`http://127.0.0.2:${port}/a.jpg`), { allowed: () => true })).toEqual([403, 'source_not_allowed']);
    expect(await refusal(via(`http://elsewhere.example/a.jpg`))).toEqual([403, 'source_not_allowed']);
    expect(await refusal(via('file:///etc/passwd'))).toEqual([403, 'source_not_allowed']);
    expect(await refusal(`http://images.test:${port}/loop`)).toEqual([422, 'source_unavailable']);
  });

  it('caps the size and the time', async () => {
    expect(await refusal(`http://images.test:${port}/big-declared`)).toEqual([413, 'source_too_large']);
    expect(await refusal(`http://images.test:${port}/big-chunked`)).toEqual([413, 'source_too_large']);
    const started = Date.now();
    expect(await refusal(`http://images.test:${port}/slow`, { timeoutMs: 300 })).toEqual([422, 'source_unavailable']);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await refusal(`http://nowhere.test:${port}/a.jpg`)).toEqual([422, 'source_unavailable']);
  });
});
