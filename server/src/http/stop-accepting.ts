import net from 'node:net';

/** A listener that accepts nothing for this long is closed anyway. */
const IDLE_LISTENER_MS = 50;

/**
 * Closes the listening socket at the moment it is least likely to hold a connection.
 *
 * When a listening socket closes, the kernel resets every connection still waiting in its
 * accept queue. nginx has already written its request on such a connection (the handshake
 * completed in the kernel), so it retries a GET elsewhere but answers a POST with 502: it never
 * replays a non-idempotent request. Closing from a timer leaves whatever arrived since the last
 * event-loop poll in that queue; closing from inside the `connection` event — libuv's accept
 * loop has just taken a connection, and stops when the socket closes — leaves only what arrived
 * in the last instant (about half as many resets, docs/operations.md, Rolling restart). A listener that
 * sees no connection is idle, and closed after a short wait.
 *
 * Connections already accepted are not touched: their requests are served (with
 * `Connection: close` while draining), and the framework's own close ends the idle ones.
 */
export function stopAccepting(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    const close = () => {
      clearTimeout(idle);
      server.off('connection', close);
      // net.Server's close, not http.Server's: that one first destroys the idle keep-alive
      // connections, which would widen the instant (Fastify's close does it next). No callback:
      // nothing waits here for the accepted connections to finish.
      net.Server.prototype.close.call(server);
      resolve();
    };
    const idle = setTimeout(close, IDLE_LISTENER_MS);
    server.on('connection', close);
  });
}
