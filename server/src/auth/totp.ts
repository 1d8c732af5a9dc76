import crypto from 'node:crypto';
import * as OTPAuth from 'otpauth';

/**
 * RFC 6238 TOTP through the `otpauth` library: SHA-1, 6 digits, 30-second steps — what every
 * authenticator app supports. A code is accepted one step either side for clock drift, and
 * the caller records the accepted step so the same code cannot be used twice.
 */

const totpPeriodSeconds = 30;
const issuer = 'Shutterlock';

export function generateTotpSecret(): string {
  return new OTPAuth.Secret({ buffer: crypto.randomBytes(20).buffer }).base32;
}

function totpFor(secretBase32: string, label = 'account'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: totpPeriodSeconds, secret: OTPAuth.Secret.fromBase32(secretBase32) });
}

/** The accepted time step, or null. Only 6 digits are ever compared. */
export function matchTotp(secretBase32: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: nowMs, window: 1 });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / totpPeriodSeconds) + delta;
}

export function currentTotp(secretBase32: string, nowMs: number): string {
  return totpFor(secretBase32).generate({ timestamp: nowMs });
}

export async function totpEnrollmentDetails(secretBase32: string, email: string): Promise<{ otpauthUrl: string; qrCodeDataUrl: string }> {
  const otpauthUrl = totpFor(secretBase32, email).toString();
  // Loaded on the first enrolment: most requests never draw a QR code.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUrl, qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 10 codes like `k7qm-x2rt-9hbw`: 12 characters from a 31-letter alphabet, about 59 bits each. */
export function generateRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const characters = Array.from({ length: 12 }, () => recoveryAlphabet[crypto.randomInt(recoveryAlphabet.length)]).join('');
    return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8)}`;
  });
}

/** Recovery codes are compared without dashes, spaces or case, as people type them. */
export function canonicalRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}
