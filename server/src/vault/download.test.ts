import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { type UploadedFile, downloadUrl, fetchSigned, readFully, sha256, uploaded } from '../../test/vault.ts';
import { createUrlSigner, signedQuery } from '../crypto/signed-urls.ts';

/** Downloads through signed links: byte-exact, with the right headers, ranges, and links that can't be bent. */

describe.each(databaseKinds())('downloads on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let small: { bytes: Buffer; file: UploadedFile };
  let large: { bytes: Buffer; file: UploadedFile };
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    client = (await signedInClient(server, 'photographer')).client;
    const smallBytes = await photo('jpeg', { exif: true });
    const largeBytes = await noisyPng(1600, 1200);
    small = { bytes: smallBytes, file: await uploaded(client, smallBytes, { name: 'Mariée à Zürich.jpg' }) };
    large = { bytes: largeBytes, file: await uploaded(client, largeBytes, { name: 'panorama.png' }) };
  });
  afterAll(async () => server?.close());

  it('gives back the original byte-exact, with its ETag, type, name and no-store headers', async () => {
    expect(large.bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    for (const { bytes, file } of [small, large]) {
      const response = await fetchSigned(server, await downloadUrl(client, file.id));
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      const body = await readFully(response);
      expect(body.complete).toBe(true);
      expect(sha256(body.bytes)).toBe(sha256(bytes));
    }
    const named = await fetchSigned(server, await downloadUrl(client, small.file.id));
    expect(named.headers.get('content-type')).toBe('image/jpeg');
    expect(named.headers.get('content-disposition')).toBe(
      "attachment; filename=\"Mariee a Zurich.jpg\"; filename*=UTF-8''Mari%C3%A9e%20%C3%A0%20Z%C3%BCrich.jpg",
    );
    await named.arrayBuffer();
  });

  it('serves single ranges across chunks: first byte, middle, last bytes and suffix', async () => {
    const { bytes, file } = large;
    const size = bytes.length;
    const url = await downloadUrl(client, file.id);
    const ranges: Array<[header: string, start: number, end: number]> = [
      ['bytes=0-0', 0, 0],
      ['bytes=100000-300000', 100_000, 300_000],
      [`bytes=${size - 10}-${size - 1}`, size - 10, size - 1],
      [`bytes=${size - 50}-`, size - 50, size - 1],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=16383-16384`, 16_383, 16_384],
    ];
    for (const [header, start, end] of ranges) {
      const response = await fetchSigned(server, url, { range: header });
      expect(response.status, header).toBe(206);
      expect(response.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), header).toBe(String(end - start + 1));
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1)), header).toBe(true);
    }
    const smallRange = await fetchSigned(server, await downloadUrl(client, small.file.id), { range: 'bytes=-100' });
    expect(smallRange.status).toBe(206);
    expect(Buffer.from(await smallRange.arrayBuffer()).equals(small.bytes.subarray(-100))).toBe(true);
  });

  it('reads a range with one pass over the stored message: header, final chunk and the covering chunks, each once', async () => {
    const url = await downloadUrl(client, large.file.id);
    const reads = vi.spyOn(server.runtime.blobs, 'get');
    try {
      const response = await fetchSigned(server, url, { range: 'bytes=100000-100009' });
      expect(Buffer.from(await response.arrayBuffer()).equals(large.bytes.subarray(100_000, 100_010))).toBe(true);
      const ranges = reads.mock.calls.map(([, range]) => (range ? `${range.start}-${range.end}` : 'all'));
      // Header (56 bytes), the final chunk, then the one chunk holding bytes 100000-100009.
      expect(ranges).toHaveLength(3);
      expect(ranges[0]).toBe('0-55');
      expect(new Set(ranges).size).toBe(3);
    } finally {
      reads.mockRestore();
    }
  });

  it('reads a small file and its previews once from the store, whole, for a download or a range', async () => {
    const reads = vi.spyOn(server.runtime.blobs, 'get');
    const heads = vi.spyOn(server.runtime.blobs, 'head');
    try {
      for (const [variant, range] of [['original', undefined], ['original', 'bytes=-100'], ['preview', undefined], ['thumbnail', undefined]] as const) {
        reads.mockClear();
        heads.mockClear();
        const response = await fetchSigned(server, await downloadUrl(client, small.file.id, variant), range ? { range } : {});
        expect(response.status, variant).toBe(range ? 206 : 200);
        const body = Buffer.from(await response.arrayBuffer());
        if (variant === 'original') expect(body.equals(range ? small.bytes.subarray(-100) : small.bytes)).toBe(true);
        expect(reads.mock.calls.map(([, byteRange]) => byteRange?.start), variant).toEqual([0]);
        expect(heads).toHaveBeenCalledTimes(1);
      }
    } finally {
      reads.mockRestore();
      heads.mockRestore();
    }
  });

  it('answers 416 beyond the end, and the whole file for ranges it does not serve or a stale If-Range', async () => {
    const { bytes, file } = large;
    const url = await downloadUrl(client, file.id);
    const beyond = await fetchSigned(server, url, { range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    await beyond.arrayBuffer();
    for (const headers of [{ range: 'bytes=0-1,10-20' }, { range: 'bytes=0-99', 'if-range': '"stale"' }] as Array<Record<string, string>>) {
      const response = await fetchSigned(server, url, headers);
      expect(response.status).toBe(200);
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bytes));
    }
    const current = await fetchSigned(server, url, { range: 'bytes=0-99', 'if-range': `"${sha256(bytes)}"` });
    expect(current.status).toBe(206);
    await current.arrayBuffer();
  });

  it('refuses links that were altered, moved to another file or variant, expired or never signed', async () => {
    const url = new URL(await downloadUrl(client, small.file.id), server.url);
    const otherFile = large.file.id;
    const attempt = async (path: string) => {
      const response = await fetchSigned(server, path);
      const body = (await response.json()) as { error: { code: string } };
      return `${response.status} ${body.error.code}`;
    };
    const query = url.searchParams;
    const sig = query.get('sig') as string;
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect(await attempt(`${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(query), sig: flipped })}`)).toBe('403 signature_invalid');
    expect(await attempt(`${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(query), exp: String(Number(query.get('exp')) + 86_400) })}`)).toBe('403 signature_invalid');
    expect(await attempt(`${url.pathname.replace(small.file.id, otherFile)}?${query}`)).toBe('403 signature_invalid');
    expect(await attempt(`${url.pathname.replace('/original', '/preview')}?${query}`)).toBe('403 signature_invalid');
    expect(await attempt(`${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(query), kv: 'nope' })}`)).toBe('403 signature_invalid');
    expect(await attempt(url.pathname)).toBe('403 signature_invalid');

    const expired = await createUrlSigner(server.runtime.keys).sign({ scope: 'vault', fileId: small.file.id, variant: 'original' }, Date.now() - 1000);
    expect(await attempt(`/api/files/${small.file.id}/original?${signedQuery(expired)}`)).toBe('403 signature_expired');
    const otherScope = await createUrlSigner(server.runtime.keys).sign({ scope: 'delivery/x', fileId: small.file.id, variant: 'original' }, Date.now() + 60_000);
    expect(await attempt(`/api/files/${small.file.id}/original?${signedQuery(otherScope)}`)).toBe('403 signature_invalid');
  });

  it('hands out links valid for five minutes, and none for a trashed file or missing previews', async () => {
    const before = Date.now();
    const answer = await client.json<{ url: string; expiresAt: string }>('POST', `/api/vault/files/${small.file.id}/download-url`, { variant: 'original' });
    const lifetime = Date.parse(answer.body.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(295_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);
    expect(answer.body.url).toMatch(new RegExp(`^/api/files/${small.file.id}/original\\?exp=\\d+&kv=[a-z0-9_-]+&sig=[A-Za-z0-9_-]{43}$`));

    const doomed = await uploaded(client, small.bytes, { name: 'doomed.jpg' });
    const url = await downloadUrl(client, doomed.id);
    expect((await client.request('DELETE', `/api/vault/files/${doomed.id}`)).status).toBe(204);
    expect((await fetchSigned(server, url)).status).toBe(404);
    expect((await client.json('POST', `/api/vault/files/${doomed.id}/download-url`, { variant: 'original' })).status).toBe(404);
  });
});
