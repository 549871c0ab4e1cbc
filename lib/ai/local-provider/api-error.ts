// Errors in OpenAI's shape: the defaults per HTTP status, and the 400 a request that fails validation gets.
import type { z } from 'zod';

export interface ApiError {
  status: number;
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

const DEFAULT_ERRORS: Record<number, Omit<ApiError, 'status'>> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: {
    message: 'You are not allowed to sample from this model.',
    type: 'invalid_request_error',
    code: null,
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

export function apiError(status: number, opts: { message?: string; type?: string; code?: string } = {}): ApiError {
  const base = DEFAULT_ERRORS[status] ?? {
    message: `Simulated error ${status}.`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    status,
    message: opts.message ?? base.message,
    type: opts.type ?? base.type,
    code: opts.code ?? base.code,
  };
}

export function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const param = issue?.path.join('.') ?? '';
  const missing = issue?.code === 'invalid_type' && issue.message.includes('received undefined');
  return {
    status: 400,
    message: missing
      ? `Missing required parameter: '${param}'.`
      : `Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`,
    type: 'invalid_request_error',
    code: missing ? 'missing_required_parameter' : 'invalid_value',
    param,
  };
}
