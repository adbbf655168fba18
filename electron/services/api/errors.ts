/**
 * Errors in the OpenAI API's shape: `{"error": {"message", "type", "code", "param"}}`, with the
 * status code that goes with them. Handlers throw ApiError; the server's error handler answers it.
 */

export type ApiErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; code: string | null; param: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: ApiErrorType,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export const badRequest = (code: string | null, message: string, param: string | null = null): ApiError =>
  new ApiError(400, 'invalid_request_error', code, message, param);

export const invalidKey = (message: string): ApiError =>
  new ApiError(401, 'invalid_request_error', 'invalid_api_key', message, null, { 'WWW-Authenticate': 'Bearer' });

export const modelNotFound = (id: string): ApiError =>
  new ApiError(404, 'invalid_request_error', 'model_not_found', `The model '${id}' does not exist. GET /v1/models lists the models Tern can run.`, 'model');

export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'rate_limit_error', code, message, null, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

export const unavailable = (code: string, message: string): ApiError => new ApiError(503, 'server_error', code, message);

/** Any error as an ApiError: fastify's own (validation, body parsing, size) keep their status. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; validation?: unknown; validationContext?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (Array.isArray(e.validation)) {
    const first = e.validation[0] as { instancePath?: string } | undefined;
    const param = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : null;
    return badRequest('invalid_value', `Invalid request: ${message}`, param);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('invalid_json', `The body is not valid JSON: ${message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'invalid_request_error', 'request_too_large', `The request body is too large: ${message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'invalid_request_error', 'unsupported_media_type', `Send the body as application/json: ${message}`);
    default:
      break;
  }
  if (error instanceof SyntaxError || (status === 400 && /JSON/i.test(message))) return badRequest('invalid_json', `The body is not valid JSON: ${message}`);
  if (status >= 400 && status < 500) return new ApiError(status, 'invalid_request_error', typeof e.code === 'string' ? e.code.toLowerCase() : null, message);
  return new ApiError(500, 'server_error', 'internal_error', `The server failed: ${message}`);
}
