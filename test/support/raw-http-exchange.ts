// Speaks HTTP/1.1 over a plain socket, for requests `fetch` cannot make exactly (a hand-made chunked body,
// bytes that are not HTTP at all): writes the request, then reads until the server closes the connection.
import net from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  received: string;
  /** The socket error (ECONNRESET, EPIPE), if any. */
  error: string | undefined;
}

export async function rawHttpExchange(port: number, request: Buffer | string): Promise<RawExchange> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let received = '';
  let error: string | undefined;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  socket.write(request);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { received, error };
}

/** A body in HTTP/1.1 chunked transfer coding: each chunk with its size line, then the last chunk. */
export function chunkedBody(chunks: readonly Buffer[]): Buffer {
  return Buffer.concat([
    ...chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    Buffer.from('0\r\n\r\n'),
  ]);
}
