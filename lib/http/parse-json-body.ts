// The prologue every JSON route shares: refuse a body over the route's size limit before reading it all
// (413), parse it (400 naming the expected shape), validate it with the route's schema (400 naming each
// field). A route's handler then only sees valid input.
import { NextResponse } from 'next/server';
import type { z } from 'zod';

export interface JsonBodyOptions {
  /** The largest body accepted, in bytes. A larger one is answered 413 without being read to its end. */
  maxBytes: number;
  /** What the body should look like, for the 400 when it is not JSON: `{"from", "subject", "text"}`. */
  shape: string;
  /** The 400's message when the JSON does not fit the schema: `Invalid email payload.` */
  invalid: string;
  /** Whether an empty body stands for `{}`. Default false. */
  emptyIsObject?: boolean;
}

export type ParsedJsonBody<T> = { ok: true; data: T } | { ok: false; response: NextResponse };

export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: JsonBodyOptions,
): Promise<ParsedJsonBody<z.infer<S>>> {
  const text = await readText(request, options.maxBytes);
  if (text === undefined) {
    return refuse(413, `The body is larger than ${options.maxBytes} bytes, the limit of this route.`);
  }
  let body: unknown = {};
  if (!(options.emptyIsObject && text.trim() === '')) {
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, `The body must be JSON: ${options.shape}.`);
    }
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  return { ok: false, response: NextResponse.json({ error: options.invalid, issues }, { status: 400 }) };
}

/** The body as UTF-8 text, or undefined as soon as it is known to pass `maxBytes`. */
async function readText(request: Request, maxBytes: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function refuse(status: number, error: string): ParsedJsonBody<never> {
  return { ok: false, response: NextResponse.json({ error }, { status }) };
}
