import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { FileView } from '../src/vault/file-views.ts';
import { collect } from '../src/vault/stored-blobs.ts';
import type { TestClient } from './client.ts';
import type { TestServer } from './harness.ts';

/** Vault calls for tests: uploads of raw bytes, signed downloads, waiting for previews. */

/** Bytes as a request body stream, in pieces: sent chunked, without a Content-Length. */
export function streamOf(bytes: Buffer, pieceSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + pieceSize));
      offset += pieceSize;
    },
  });
}

/** A file as the API answers it. */
export type UploadedFile = FileView;

export interface ErrorAnswer {
  error: { code: string; message: string };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stored blob's bytes, read straight from the blob store. */
export async function readBlob(server: TestServer, key: string): Promise<Buffer> {
  return collect(await server.runtime.blobs.get(key));
}

export async function upload(
  client: TestClient,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  options: { name?: string; albumId?: string; contentType?: string; onDuplicate?: 'keep' | 'skip' } = {},
): Promise<{ status: number; file: UploadedFile; duplicateOf: string | null | undefined; error: ErrorAnswer['error'] | undefined; headers: Headers }> {
  const query = new URLSearchParams();
  if (options.albumId !== undefined) query.set('albumId', options.albumId);
  if (options.onDuplicate !== undefined) query.set('onDuplicate', options.onDuplicate);
  const response = await client.request('POST', `/api/vault/files?${query}`, bytes, {
    'content-type': options.contentType ?? 'application/octet-stream',
    ...(options.name !== undefined && { 'x-file-name': encodeURIComponent(options.name) }),
  });
  const text = await response.text();
  const body = (text ? JSON.parse(text) : {}) as { file: UploadedFile; duplicateOf?: string | null } & Partial<ErrorAnswer>;
  return { status: response.status, file: body.file, duplicateOf: body.duplicateOf, error: body.error, headers: response.headers };
}

/** Uploads and expects success. */
export async function uploaded(client: TestClient, bytes: Uint8Array, options: { name?: string; albumId?: string } = {}): Promise<UploadedFile> {
  const result = await upload(client, bytes, options);
  expect(result.status, JSON.stringify(result.error)).toBe(201);
  return result.file;
}

export async function downloadUrl(client: TestClient, fileId: string, variant: 'original' | 'preview' | 'thumbnail' = 'original'): Promise<string> {
  const answer = await client.json<{ url: string; expiresAt: string }>('POST', `/api/vault/files/${fileId}/download-url`, { variant });
  expect(answer.status).toBe(200);
  return answer.body.url;
}

/** A signed URL needs no session: fetched as a stranger would. */
export async function fetchSigned(server: TestServer, url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${url}`, { headers });
}

/** Reads a response to its end, or to the error that cut it off. */
export async function readFully(response: Response): Promise<{ bytes: Buffer; complete: boolean }> {
  const pieces: Buffer[] = [];
  try {
    for await (const piece of response.body ?? []) pieces.push(Buffer.from(piece));
    return { bytes: Buffer.concat(pieces), complete: true };
  } catch {
    return { bytes: Buffer.concat(pieces), complete: false };
  }
}

export async function getFile(client: TestClient, fileId: string): Promise<UploadedFile & { exif: Record<string, unknown> }> {
  const answer = await client.json<{ file: UploadedFile & { exif: Record<string, unknown> } }>('GET', `/api/vault/files/${fileId}`);
  expect(answer.status).toBe(200);
  return answer.body.file;
}

/** Polls until the file's previews are done (ready or failed). */
export async function settled(client: TestClient, fileId: string, timeoutMs = 20_000): Promise<UploadedFile & { exif: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = await getFile(client, fileId);
    if (file.status !== 'processing') return file;
    if (Date.now() > deadline) throw new Error(`file ${fileId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until no preview job is pending or running (previews made, or given up). */
export async function previewJobsDone(server: TestServer, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await server.runtime.database.db.selectFrom('jobs').select('id').where('status', 'in', ['pending', 'running']).where('kind', '=', 'vault.previews').execute();
    if (open.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${open.length} preview jobs still open after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
