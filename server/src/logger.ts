import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';

/**
 * Logger options. Requests are logged by route pattern, never by raw URL, because URLs of
 * delivery links and signed images carry tokens and signatures. Headers that carry
 * credentials are censored, and so are fields that may hold secrets, at any depth of what is
 * logged (errors included). `code` is censored only when it holds digits: that is how every
 * secret code here looks (sign-in, delivery, PIN), while an error's stable code never does.
 */
export const redactedPaths = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

const secretFields = new Set(['password', 'newPassword', 'currentPassword', 'token', 'pin', 'secret', 'totp', 'recoveryCode', 'recoveryCodes']);
const censored = '[redacted]';
/** Deeper than anything logged on purpose; beyond it a value is dropped, not walked. */
const maxDepth = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isSecret(key: string, value: unknown): boolean {
  return secretFields.has(key) || (key === 'code' && typeof value === 'string' && /^\d+$/.test(value));
}

/** A copy with every secret field censored, however deep; values that are not plain data are left to the serializers. */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return depth >= maxDepth ? '[too deep]' : value.map((item) => censorSecrets(item, depth + 1));
  if (!isPlainObject(value)) return value;
  if (depth >= maxDepth) return '[too deep]';
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = isSecret(key, field) ? censored : censorSecrets(field, depth + 1);
  return copy;
}

interface RoutedRequest extends IncomingMessage {
  routeOptions?: { url?: string };
  id?: string;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: censored },
    formatters: { log: (object) => censorSecrets(object) as Record<string, unknown> },
    serializers: {
      req(request: RoutedRequest & { method?: string; ip?: string }) {
        return {
          id: request.id,
          method: request.method,
          route: request.routeOptions?.url ?? '(unmatched)',
          remoteAddress: request.ip,
        };
      },
      // An error becomes plain data first (its causes as objects, so their codes show), then is
      // censored like the rest; the JSON round trip drops the serializer's prototypes.
      err: (error: Error) => censorSecrets(JSON.parse(JSON.stringify(pino.stdSerializers.errWithCause(error))) as unknown),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
