import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonBody, type JsonBodyOptions } from './parse-json-body';

const Schema = z.object({ name: z.string().max(5, 'must be at most 5 characters') });
const OPTIONS: JsonBodyOptions = { maxBytes: 64, shape: '{"name"}', invalid: 'Invalid thing.' };

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  // A streamed body needs `duplex: 'half'`, which Node's fetch requires and the DOM types do not know.
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', body, headers };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return new Request('http://localhost/api/x', init);
}

/** A body sent in `chunks` with no Content-Length (chunked), counting how many chunks were read. */
function streamed(chunks: string[]): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[pulled];
        pulled += 1;
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    },
    // Nothing read ahead: a chunk is pulled only when the reader asks for it.
    { highWaterMark: 0 },
  );
  return { body, pulled: () => pulled };
}

async function answer(result: Awaited<ReturnType<typeof parseJsonBody>>): Promise<{ status: number; body: unknown }> {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.data)}`);
  return { status: result.response.status, body: await result.response.json() };
}

describe('parseJsonBody', () => {
  it('returns the validated body', async () => {
    expect(await parseJsonBody(post('{"name":"Ada"}'), Schema, OPTIONS)).toEqual({ ok: true, data: { name: 'Ada' } });
  });

  it('refuses a body whose Content-Length passes the limit with 413, before reading it', async () => {
    const { body, pulled } = streamed(['{"name":"Ada"}']);
    const result = await parseJsonBody(post(body, { 'content-length': '65' }), Schema, OPTIONS);
    expect(await answer(result)).toEqual({
      status: 413,
      body: { error: 'The body is larger than 64 bytes, the limit of this route.' },
    });
    expect(pulled()).toBe(0);
  });

  it('stops reading a body with no length as soon as it passes the limit', async () => {
    const { body, pulled } = streamed(['{"name":"', 'x'.repeat(40), 'x'.repeat(40), 'x'.repeat(40), '"}']);
    const result = await parseJsonBody(post(body), Schema, OPTIONS);
    expect((await answer(result)).status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(4);
  });

  it('accepts a body of exactly the limit', async () => {
    const text = `{"name":"Ada","pad":"${'x'.repeat(64 - 23)}"}`;
    expect(Buffer.byteLength(text)).toBe(64);
    expect(await parseJsonBody(post(text), Schema, OPTIONS)).toEqual({ ok: true, data: { name: 'Ada' } });
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"name":"Zoë"}');
    const split = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    expect(await parseJsonBody(post(body), Schema, OPTIONS)).toEqual({ ok: true, data: { name: 'Zoë' } });
  });

  it('answers 400 naming the shape when the body is not JSON', async () => {
    expect(await answer(await parseJsonBody(post('name=Ada'), Schema, OPTIONS))).toEqual({
      status: 400,
      body: { error: 'The body must be JSON: {"name"}.' },
    });
  });

  it('answers 400 naming each field that does not fit the schema', async () => {
    expect(await answer(await parseJsonBody(post('{"name":"Adalovelace"}'), Schema, OPTIONS))).toEqual({
      status: 400,
      body: { error: 'Invalid thing.', issues: [{ field: 'name', message: 'must be at most 5 characters' }] },
    });
  });

  it('takes an empty body as {} only when told to', async () => {
    const Optional = z.object({ name: z.string().optional() });
    expect(await parseJsonBody(post(''), Optional, { ...OPTIONS, emptyIsObject: true })).toEqual({
      ok: true,
      data: {},
    });
    expect(await parseJsonBody(post(null), Optional, { ...OPTIONS, emptyIsObject: true })).toEqual({
      ok: true,
      data: {},
    });
    expect((await answer(await parseJsonBody(post(''), Optional, OPTIONS))).status).toBe(400);
  });
});
