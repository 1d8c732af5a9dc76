import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, makeTempDir, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { RawConnection } from '../../test/raw-http.ts';

/**
 * An upload refused while its body streams in must leave its keep-alive connection usable:
 * the next request on it is answered at once (regression: it hung until the keep-alive
 * timeout, and behind nginx's upstream pool another user's request got a 502).
 */

const MAX_UPLOAD = 3 * 1024 * 1024;
const QUOTA = 256 * 1024;
const MiB = 1024 * 1024;

function pieces(bytes: Buffer, size = 64 * 1024): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) result.push(bytes.subarray(offset, offset + size));
  return result;
}

function cookieOf(client: TestClient): string {
  return [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

describe('connections after a refused upload', () => {
  let server: TestServer;
  let cookie: string;
  let quotaCookie: string;
  let jpeg: Buffer;
  let notAPhoto: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ env: { VAULT_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    cookie = cookieOf((await signedInClient(server, 'photographer')).client);
    const limited = await signedInClient(server, 'photographer', 'quota');
    quotaCookie = cookieOf(limited.client);
    await server.runtime.database.db.updateTable('studios').set({ quota_bytes: QUOTA }).where('id', '=', limited.user.studioId as string).execute();
    jpeg = await photo('jpeg');
    notAPhoto = Buffer.alloc(MiB, 'not a photo ');
  });
  afterAll(async () => server?.close());

  function uploadHeaders(sessionCookie: string, contentType = 'application/octet-stream'): Record<string, string> {
    return { cookie: sessionCookie, 'sec-fetch-site': 'same-origin', 'content-type': contentType };
  }

  /** The refused upload's answer, then another request on the same connection, answered at once. */
  async function refusedThenReused(sessionCookie: string, body: Buffer | Buffer[], expected: { status: number; code: string; contentType?: string }) {
    const connection = await RawConnection.open(server.url);
    try {
      connection.send('POST', '/api/vault/files?name=x.jpg', uploadHeaders(sessionCookie, expected.contentType), body);
      const refused = await connection.answer();
      expect([refused.status, (JSON.parse(refused.body) as { error: { code: string } }).error.code]).toEqual([expected.status, expected.code]);
      expect(refused.headers.connection).not.toBe('close');
      connection.send('GET', '/api/vault/usage', { cookie: sessionCookie });
      expect((await connection.answer()).status).toBe(200);
    } finally {
      connection.close();
    }
  }

  it('after a 415 found by sniffing, with a Content-Length or chunked', async () => {
    await refusedThenReused(cookie, notAPhoto, { status: 415, code: 'file_type_not_allowed' });
    await refusedThenReused(cookie, pieces(notAPhoto), { status: 415, code: 'file_type_not_allowed' });
  });

  it('after a 415 for the content type, before the body is read', async () => {
    await refusedThenReused(cookie, Buffer.concat([jpeg, notAPhoto]), { status: 415, code: 'unsupported_media_type', contentType: 'image/jpeg' });
  });

  it('after a chunked body passes the size limit', async () => {
    const tooLarge = Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD)]);
    await refusedThenReused(cookie, pieces(tooLarge), { status: 413, code: 'file_too_large' });
  });

  it('after a body passes the quota, chunked or declared', async () => {
    const overQuota = Buffer.concat([jpeg, Buffer.alloc(MiB)]);
    await refusedThenReused(quotaCookie, pieces(overQuota), { status: 413, code: 'quota_exceeded' });
    await refusedThenReused(quotaCookie, overQuota, { status: 413, code: 'quota_exceeded' });
  });

  it('closes, after answering, a connection whose body is declared or turns out larger than the limit again', async () => {
    const declared = await RawConnection.open(server.url);
    try {
      declared.send('POST', '/api/vault/files?name=x.jpg', { ...uploadHeaders(cookie), 'content-length': String(100 * MAX_UPLOAD) }, jpeg);
      const answer = await declared.answer();
      expect([answer.status, answer.headers.connection]).toEqual([413, 'close']);
      await declared.closedByServer();
    } finally {
      declared.close();
    }

    const endless = await RawConnection.open(server.url);
    try {
      endless.send('POST', '/api/vault/files?name=x.jpg', uploadHeaders(cookie), pieces(Buffer.concat([jpeg, Buffer.alloc(3 * MAX_UPLOAD)])));
      expect((await endless.answer()).status).toBe(413);
      await endless.closedByServer();
    } finally {
      endless.close();
    }
    // The server is unharmed: a fresh connection is answered.
    const fresh = await RawConnection.open(server.url);
    fresh.send('GET', '/api/vault/usage', { cookie });
    expect((await fresh.answer()).status).toBe(200);
    fresh.close();
  });

  describe.skipIf(!existsSync('/usr/sbin/nginx'))('behind nginx with upstream keep-alive', () => {
    let nginx: ChildProcess;
    let nginxUrl: string;
    let prefix: string;
    beforeAll(async () => {
      prefix = await makeTempDir('nginx');
      await mkdir(join(prefix, 'temp'));
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      nginxUrl = `http://127.0.0.1:${port}`;
      // One worker and one pooled upstream connection: the next request surely reuses the refused one's.
      await writeFile(
        join(prefix, 'nginx.conf'),
        `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
error_log ${join(prefix, 'error.log')} warn;
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'temp')};
  proxy_temp_path ${join(prefix, 'temp')};
  upstream shutterlock { server ${new URL(server.url).host}; keepalive 1; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0;
    location / {
      proxy_pass http://shutterlock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_read_timeout 10s;
    }
  }
}
`,
      );
      nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (!(await fetch(`${nginxUrl}/healthz`).then((response) => response.status === 200, () => false))) {
        if (Date.now() > deadline) throw new Error('nginx did not start');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    afterAll(async () => {
      if (nginx && nginx.exitCode === null) {
        nginx.kill('SIGTERM');
        await new Promise((resolve) => nginx.once('exit', resolve));
      }
      if (prefix) await rm(prefix, { recursive: true, force: true });
    });

    it("answers another user's next request at once, on the refused upload's upstream connection", async () => {
      for (let round = 0; round < 3; round++) {
        const uploader = await RawConnection.open(nginxUrl);
        uploader.send('POST', '/api/vault/files?name=x.jpg', uploadHeaders(cookie), notAPhoto);
        expect((await uploader.answer()).status).toBe(415);
        uploader.close();
        const other = await RawConnection.open(nginxUrl);
        other.send('GET', '/api/vault/usage', { cookie: quotaCookie });
        expect((await other.answer()).status).toBe(200);
        other.close();
      }
    });
  });
});
