// Per-IP limits on the public endpoints. The client IP comes from req.ip, which honours X-Forwarded-For only
// for TRUST_PROXY hops, so a forged header changes nothing.
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { AppError } from '../../../errors.js';

const pass: RequestHandler = (_req, _res, next) => next();

/** `limit` requests per `windowMs` per IP; 0 turns the limit off. `skip` exempts requests that do no work. */
export function perIpLimit(
  limit: number,
  windowMs: number,
  skip?: (req: Parameters<RequestHandler>[0]) => boolean,
  /** Count only answers of 400 and above (wrong guesses), not the successful ones. */
  failuresOnly = false,
): RequestHandler {
  if (limit === 0) return pass;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip,
    skipSuccessfulRequests: failuresOnly,
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) =>
      next(new AppError(429, 'rate_limited', 'Too many requests from your address. Please wait and try again.')),
  });
}
