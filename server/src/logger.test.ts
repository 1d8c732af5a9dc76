import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';

/** Redaction: secrets censored at any depth and in errors, error codes kept. */

function captured(): { logger: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger('info', destination);
  return { logger, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('log redaction', () => {
  it('keeps error codes, its own and a cause’s', () => {
    const { logger, lines } = captured();
    const cause = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    logger.error({ err: new AppError('storage_failed', 'The blob store could not complete the operation.', 500, { cause }) }, 'request failed');
    const [line] = lines();
    expect(line?.err).toMatchObject({ code: 'storage_failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('censors secret fields however deep, in errors too, and numeric codes', () => {
    const { logger, lines } = captured();
    logger.warn({ body: { user: { password: 'hunter2', profile: { totp: '424242' } }, code: '12345678' }, list: [{ token: 'tok-secret' }] }, 'nested');
    logger.error({ err: Object.assign(new Error('bad'), { details: { recoveryCode: 'rc-secret', pin: '1234' } }) }, 'error');
    const text = JSON.stringify(lines());
    for (const secret of ['hunter2', '424242', '12345678', 'tok-secret', 'rc-secret', '"1234"']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
