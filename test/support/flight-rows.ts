// Reads React's Flight format (what a server action answers with) row by row as the bytes arrive, so a test
// can see what came when. Knows the rows plain values and text streams use: text rows
// `<id>:T<byte length in hex>,<text>` (no terminator) and line rows `<id>:<tag letter?><json>\n`; not the
// binary rows of typed arrays and byte streams.

export interface FlightRow {
  /** The row's id, in hex, as written. */
  id: string;
  /** `T` for text, `C` for a closed stream, `E` for an error, `R` for a stream's start, `` for a plain value. */
  tag: string;
  /** The text of a text row; the rest of the line otherwise. */
  value: string;
  /** `Date.now()` when the bytes completing the row were read. */
  receivedAt: number;
}

const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** The rows of `body` as they arrive. Leaving the loop early cancels the body. */
export async function* flightRows(body: ReadableStream<Uint8Array>): AsyncGenerator<FlightRow> {
  const reader = body.getReader();
  let buffer = Buffer.alloc(0);
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      buffer = Buffer.concat([buffer, next.value]);
      const receivedAt = Date.now();
      for (;;) {
        const row = takeRow(buffer);
        if (!row) break;
        buffer = buffer.subarray(row.length);
        yield { ...row.row, receivedAt };
      }
    }
    if (buffer.length > 0) throw new Error(`Flight body ended inside a row: ${buffer.toString()}`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The first complete row in `buffer` and its length in bytes, or undefined while it is incomplete. */
function takeRow(buffer: Buffer): { row: Omit<FlightRow, 'receivedAt'>; length: number } | undefined {
  const colon = buffer.indexOf(COLON);
  if (colon === -1 || colon + 1 >= buffer.length) return undefined;
  const id = buffer.subarray(0, colon).toString();
  if (buffer[colon + 1] === 'T'.charCodeAt(0)) {
    const comma = buffer.indexOf(COMMA, colon + 2);
    if (comma === -1) return undefined;
    const size = parseInt(buffer.subarray(colon + 2, comma).toString(), 16);
    if (buffer.length < comma + 1 + size) return undefined;
    return {
      row: { id, tag: 'T', value: buffer.subarray(comma + 1, comma + 1 + size).toString() },
      length: comma + 1 + size,
    };
  }
  const newline = buffer.indexOf(NEWLINE, colon + 1);
  if (newline === -1) return undefined;
  const rest = buffer.subarray(colon + 1, newline).toString();
  const tag = /^[A-Z]/.test(rest) ? rest.slice(0, 1) : '';
  return { row: { id, tag, value: rest.slice(tag.length) }, length: newline + 1 };
}
