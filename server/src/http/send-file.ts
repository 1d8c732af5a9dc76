import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RangeHeaders } from './byte-ranges.ts';
import { contentDisposition } from './content-disposition.ts';

/**
 * A stored file as the HTTP answer, once a capability has authorized it and verified its bytes
 * (the vault's reader does both): 200, or 206 for one range, with headers that keep a browser
 * from running anything in it, whatever it holds.
 */

export interface ServedFile {
  /** Set for a 206 answer. */
  range: { start: number; end: number; size: number } | undefined;
  length: number;
  mediaType: string;
  name: string;
  disposition: 'attachment' | 'inline';
  etag: string;
  /** Released as it verifies: an error mid-stream aborts the response, so a client never sees a complete transfer of bad bytes. */
  body: Readable | Buffer;
}

export function sendFile(reply: FastifyReply, file: ServedFile): FastifyReply {
  reply.headers({
    'content-type': file.mediaType,
    'content-length': String(file.length),
    'content-disposition': contentDisposition(file.disposition, file.name),
    etag: file.etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // Whatever a file holds, a browser that opens it runs nothing from it.
    'content-security-policy': "default-src 'none'; sandbox",
  });
  if (file.range) {
    const { start, end, size } = file.range;
    reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
  }
  if (reply.request.method === 'HEAD') return sendHeadersOnly(reply, file.body);
  return reply.send(file.body);
}

/**
 * A HEAD answers as its GET would, headers and all, without the body: an opened stream is
 * released unread (nothing is decrypted for it) and Content-Length stays the GET's.
 */
export function sendHeadersOnly(reply: FastifyReply, body: Readable | Buffer): FastifyReply {
  if (!Buffer.isBuffer(body)) body.destroy();
  // An empty stream, not nothing: Fastify's HEAD route keeps the Content-Length set for a
  // stream, but would write 0 for an empty answer (and drain a real stream to its end).
  return reply.send(Readable.from([]));
}

/** The Range and If-Range headers of a download request, for the service that serves it. */
export function rangeHeaders(request: FastifyRequest): RangeHeaders {
  const ifRange = request.headers['if-range'];
  return { range: request.headers.range, ifRange: typeof ifRange === 'string' ? ifRange : undefined };
}
