import net from 'node:net';

/**
 * HTTP/1.1 over one raw TCP connection, for tests about what a connection carries between
 * requests (keep-alive, unread bodies): fetch() would hide which connection a request used.
 * Answers are read by Content-Length, which is how the server frames every answer these
 * tests look at.
 */

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawConnection {
  readonly #socket: net.Socket;
  #received = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  #ended = false;
  /** Writes that failed because the server stopped reading and closed (EPIPE, ECONNRESET): expected in some tests. */
  writeError: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (piece: Buffer) => {
      this.#received = Buffer.concat([this.#received, piece]);
      this.#wake();
    });
    socket.on('end', () => this.#close());
    socket.on('close', () => this.#close());
    socket.on('error', (error) => {
      this.writeError = error;
      this.#close();
    });
  }

  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = net.connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  /** True once the server closed (or reset) the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Sends a request. A body given as pieces is sent chunked (no Content-Length), one chunk a
   * piece; a Buffer is sent with its Content-Length, unless `headers` declares another.
   */
  send(method: string, path: string, headers: Record<string, string>, body?: Buffer | Buffer[]): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'host: localhost'];
    const all = { ...headers };
    if (Array.isArray(body)) all['transfer-encoding'] = 'chunked';
    else if (body !== undefined && all['content-length'] === undefined) all['content-length'] = String(body.length);
    for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`);
    this.#socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (Array.isArray(body)) {
      for (const piece of body) this.#socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
      this.#socket.write('0\r\n\r\n');
    } else if (body !== undefined) {
      this.#socket.write(body);
    }
  }

  /** The next answer on the connection; rejects after `timeoutMs` or when the connection ends first. */
  async answer(timeoutMs = 5_000): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.#takeAnswer();
      if (parsed) return parsed;
      if (this.#ended) throw new Error('The connection ended before an answer.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No answer within ${timeoutMs} ms.`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves once the server closed the connection; rejects after `timeoutMs`. */
  async closedByServer(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error(`The connection stayed open for ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.#socket.destroy();
  }

  #close(): void {
    this.#ended = true;
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  #takeAnswer(): RawAnswer | undefined {
    const headEnd = this.#received.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...headerLines] = this.#received.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    if (this.#received.length < bodyStart + length) return undefined;
    const body = this.#received.subarray(bodyStart, bodyStart + length).toString('utf8');
    this.#received = this.#received.subarray(bodyStart + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}
