import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestClient } from './client.ts';
import type { TestServer } from './harness.ts';

/** tus calls for tests (vault/resumable-routes.ts), over the test client's session. */

export const TUS = { 'tus-resumable': '1.0.0' } as const;
export const UPLOAD_TYPE = 'application/offset+octet-stream';

export function metadata(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

export async function createUpload(client: TestClient, length: number, options: { name?: string; albumId?: string; headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<Response> {
  const meta: Record<string, string> = {};
  if (options.name !== undefined) meta.filename = options.name;
  if (options.albumId !== undefined) meta.albumId = options.albumId;
  return client.request('POST', '/api/vault/uploads', options.body, {
    ...TUS,
    'upload-length': String(length),
    ...(Object.keys(meta).length > 0 ? { 'upload-metadata': metadata(meta) } : {}),
    ...(options.body ? { 'content-type': UPLOAD_TYPE } : {}),
    ...options.headers,
  });
}

/** Creates an upload and returns its path (Location). */
export async function created(client: TestClient, length: number, options: { name?: string; albumId?: string } = {}): Promise<string> {
  const response = await createUpload(client, length, options);
  await response.arrayBuffer();
  expect(response.status).toBe(201);
  expect(response.headers.get('tus-resumable')).toBe('1.0.0');
  const location = response.headers.get('location');
  expect(location).toMatch(/^\/api\/vault\/uploads\/[0-9a-f-]{36}$/);
  return location as string;
}

export async function patch(client: TestClient, location: string, offset: number, bytes: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Promise<Response> {
  return client.request('PATCH', location, bytes, { ...TUS, 'content-type': UPLOAD_TYPE, 'upload-offset': String(offset), ...headers });
}

export async function offsetOf(client: TestClient, location: string): Promise<{ status: number; offset: number; length: number }> {
  const response = await client.request('HEAD', location, undefined, TUS);
  return { status: response.status, offset: Number(response.headers.get('upload-offset')), length: Number(response.headers.get('upload-length')) };
}

/** Sends the rest of the file from the server's offset, retrying while an earlier request still holds the upload; returns the file id. */
export async function finish(client: TestClient, location: string, bytes: Buffer, pieces = 1): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { status, offset } = await offsetOf(client, location);
    expect(status).toBe(200);
    const end = pieces > 1 ? Math.min(bytes.length, offset + Math.ceil((bytes.length - offset) / pieces)) : bytes.length;
    const response = await patch(client, location, offset, bytes.subarray(offset, end));
    const text = await response.text();
    if ((response.status === 423 || response.status === 409) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    expect(response.status, text).toBe(204);
    expect(Number(response.headers.get('upload-offset'))).toBe(end);
    const fileId = response.headers.get('upload-file-id');
    if (end === bytes.length) {
      expect(fileId).toMatch(/^[0-9a-f-]{36}$/);
      return fileId as string;
    }
    if (pieces > 1) pieces -= 1;
  }
}

/** Every file under a directory, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Every file under `dir` with its bytes. A blob store's temporary file can be renamed into
 * place between the listing and the read (a preview job still running): it is skipped, and
 * its bytes are read under the name it was renamed to, if that was listed.
 */
export async function storedFiles(dir: string): Promise<Array<{ file: string; bytes: Buffer }>> {
  const found: Array<{ file: string; bytes: Buffer }> = [];
  for (const file of await filesUnder(dir)) {
    try {
      found.push({ file, bytes: await fs.readFile(file) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/** Windows of `bytes` that would show if any stretch of it were stored in clear (every 4 KiB, and the last bytes). */
export function plaintextProbes(bytes: Buffer, upTo = bytes.length): Buffer[] {
  const probes: Buffer[] = [];
  for (let start = 0; start + 32 <= upTo; start += 4096) probes.push(bytes.subarray(start, start + 32));
  if (upTo >= 32) probes.push(bytes.subarray(upTo - 32, upTo));
  return probes;
}

export function containsAny(haystack: Buffer, probes: Buffer[]): boolean {
  return probes.some((probe) => haystack.includes(probe));
}

export async function waitForServer(server: TestServer): Promise<void> {
  await fetch(`${server.url}/api/health`).catch(() => undefined);
}
