// The process logger. Secrets never reach it: request logs carry only id, method, path and status
// (src/http/core/middleware/request-log.ts), and these paths are redacted wherever they appear.
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'cookie',
        '*.cookie',
        'headers.cookie',
        'headers.authorization',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
