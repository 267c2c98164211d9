// One error type for everything a user or client can cause. The error middleware
// (src/http/core/error-handler.ts) turns it into HTML or application/problem+json; anything that is not an
// AppError is a bug and is answered generically.

export interface FieldError {
  /** JSON Pointer into the submitted document, e.g. "/usage/audience". */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields?: FieldError[];
  /** Sent as Retry-After: when a client may usefully try again (503, 429). */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    fields?: FieldError[],
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);
export const forbidden = (message = 'You do not have access to this page.') => new AppError(403, 'forbidden', message);
