// withheldProviderMessage: a provider's error loses its words (which may quote the prompt) and keeps the rest.
import OpenAI, { APIConnectionError } from 'openai';
import { describe, expect, it } from 'vitest';

import { WITHHELD_MESSAGE, withheldProviderMessage } from './provider-error';

const MARKER = 'ZQX-marker-4711';

function providerError(status: number, message: string): InstanceType<typeof OpenAI.APIError> {
  return OpenAI.APIError.generate(
    status,
    { error: { message, type: 'invalid_request_error', code: 'invalid_value', param: 'messages' } },
    undefined,
    new Headers({ 'x-request-id': 'req_1' }),
  );
}

function fields(error: unknown): Record<string, unknown> {
  const e = error as Error & Record<string, unknown>;
  return {
    name: e.name,
    message: e.message,
    status: e.status,
    type: e.type,
    code: e.code,
    param: e.param,
    requestID: e.requestID,
  };
}

describe('withheldProviderMessage', () => {
  it("replaces a provider's message with its status, type and code, keeping the stack's frames", () => {
    const error = providerError(400, `Invalid content: '${MARKER}'`);

    const safe = withheldProviderMessage(error);

    expect(safe).toBeInstanceOf(Error);
    expect(fields(safe)).toEqual({
      name: 'Error',
      message: `400 (invalid_request_error, invalid_value): ${WITHHELD_MESSAGE}`,
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'messages',
      requestID: 'req_1',
    });
    expect((safe as Error).stack).not.toContain(MARKER);
    expect((safe as Error).stack?.split('\n').slice(1)).toEqual(error.stack?.split('\n').slice(1));
    // The error the caller holds is not changed.
    expect(error.message).toBe(`400 Invalid content: '${MARKER}'`);
  });

  it("withholds the message of an error shaped as the SDK's from another copy of its classes", () => {
    // What a logger from another Next.js bundle sees: the same fields, another class.
    const error = Object.assign(new Error(`400 Invalid content: '${MARKER}'`), {
      status: 400,
      headers: {},
      requestID: 'req_2',
      error: { message: `Invalid content: '${MARKER}'` },
      type: 'invalid_request_error',
      code: null,
      param: null,
    });

    expect(fields(withheldProviderMessage(error))).toEqual({
      name: 'Error',
      message: `400 (invalid_request_error): ${WITHHELD_MESSAGE}`,
      status: 400,
      type: 'invalid_request_error',
      code: null,
      param: null,
      requestID: 'req_2',
    });
  });

  it('withholds the message of a provider error that caused another error', () => {
    const cause = providerError(500, `Upstream failed on '${MARKER}'`);
    const error = new Error('drafting failed', { cause });

    const safe = withheldProviderMessage(error) as Error;

    expect(safe).not.toBe(error);
    expect(safe.message).toBe('drafting failed');
    expect(fields(safe.cause).message).toBe(`500 (invalid_request_error, invalid_value): ${WITHHELD_MESSAGE}`);
    expect(JSON.stringify([safe.stack, (safe.cause as Error).stack])).not.toContain(MARKER);
    expect(error.cause).toBe(cause);
  });

  it('returns errors the SDK wrote itself, other errors and non-errors as they are', () => {
    const connection = new APIConnectionError({ message: 'Connection error.' });
    const statusOnly = Object.assign(new Error('Not found.'), { status: 404 });
    const plain = new Error('The model returned an empty draft.');
    const wrapped = new Error('outer', { cause: plain });

    expect(withheldProviderMessage(connection)).toBe(connection);
    expect(withheldProviderMessage(plain)).toBe(plain);
    expect(withheldProviderMessage(statusOnly)).toBe(statusOnly);
    expect(withheldProviderMessage(wrapped)).toBe(wrapped);
    expect(withheldProviderMessage('text')).toBe('text');
    expect(withheldProviderMessage(undefined)).toBeUndefined();
  });
});
