import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';

/**
 * Logger options. Requests are logged by route pattern, never by raw URL, because URLs of
 * delivery links and signed images carry tokens and signatures. Headers that carry
 * credentials, and body fields that may hold secrets, are censored wherever they appear.
 */
export const redactedPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.code',
  '*.pin',
  '*.secret',
  '*.totp',
  '*.recoveryCode',
];

interface RoutedRequest extends IncomingMessage {
  routeOptions?: { url?: string };
  id?: string;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request: RoutedRequest & { method?: string; ip?: string }) {
        return {
          id: request.id,
          method: request.method,
          route: request.routeOptions?.url ?? '(unmatched)',
          remoteAddress: request.ip,
        };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
