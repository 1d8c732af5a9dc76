import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A request refused while its body streams in (an upload found not to be a photo, or past
 * the quota) leaves the rest of that body on the keep-alive connection. Node discards bodies
 * nobody started reading, but not one a handler began and abandoned: the connection then
 * parses nothing until its keep-alive timeout, and the next request on it — from the same
 * browser, or behind a reverse proxy's upstream pool from another user — hangs and fails.
 *
 * So, on the refused request's error path, the rest of the body is read and thrown away
 * while the answer goes out, up to `budgetBytes` more (the upload limit): the connection then
 * ends clean and is reused. A body declared larger than that is answered with
 * `Connection: close` instead of being read; one that turns out larger is cut off once the
 * answer has left. Closing at once, without reading, is not enough: Node closes a socket
 * with unread bytes with a reset, which reaches a client still sending — nginx among them,
 * which answers its own client 502 — as a failed request instead of our answer.
 */
export function discardUnreadBody(budgetBytes: number): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const body = request.raw;
    if (body.complete || body.destroyed) return;
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > budgetBytes) {
      reply.header('connection', 'close');
      return;
    }
    let discarded = 0;
    const discard = (piece: Buffer) => {
      discarded += piece.length;
      if (discarded <= budgetBytes) return;
      body.off('data', discard);
      body.pause();
      const socket = body.socket;
      if (reply.raw.writableFinished) socket.destroy();
      else reply.raw.once('finish', () => socket.destroy());
    };
    body.on('data', discard);
    body.resume();
  };
}
