import { createValueSigner } from '../crypto/signed-values.ts';
import type { Cookie } from '../http/cookies.ts';
import type { DeliveriesDeps } from './deps.ts';
import type { DeliveryRow } from './repo.ts';

/**
 * "Remember this device": after the right code, a client may ask not to be asked again on this
 * browser for DELIVERY_REMEMBER_DAYS (30 by default). The cookie is a signed value
 * (crypto/signed-values.ts) over the delivery's id and the hashes of its current code and
 * link, so it is delivery-scoped and stops working the moment the delivery is revoked or
 * expires (every client route checks that first), gets a new code, or a new link — nothing
 * stored needs to be deleted. It is HttpOnly, SameSite=Strict, Secure on TLS, and its path is
 * this delivery's API. It never lasts beyond the delivery. It proves only this: it starts a
 * new session (resumeDelivery), as the right code would.
 */

const DAY_MS = 24 * 60 * 60_000;

export function deviceCookieName(deps: DeliveriesDeps): string {
  return deps.site.secureTransport ? '__Secure-sl_delivery_device' : 'sl_delivery_device';
}

function fieldsOf(delivery: Pick<DeliveryRow, 'id' | 'code_digest' | 'token_hash'>): string[] {
  return ['delivery-device', delivery.id, delivery.code_digest, delivery.token_hash];
}

const signerCache = new WeakMap<object, ReturnType<typeof createValueSigner>>();

function signerOf(deps: DeliveriesDeps) {
  let signer = signerCache.get(deps.keys);
  if (!signer) {
    signer = createValueSigner(deps.keys, 'delivery-device');
    signerCache.set(deps.keys, signer);
  }
  return signer;
}

function cookieAttributes(deps: DeliveriesDeps, linkToken: string, maxAge: number): Cookie['attributes'] {
  return { httpOnly: true, sameSite: 'strict', secure: deps.site.secureTransport, path: `/api/d/${linkToken}`, maxAge };
}

/** The cookie that remembers this device, or undefined when remembering is turned off. */
export async function rememberDevice(deps: DeliveriesDeps, delivery: DeliveryRow, linkToken: string): Promise<Cookie | undefined> {
  const days = deps.site.deliveries.rememberDays;
  if (days <= 0) return undefined;
  const now = deps.now();
  const expiresAt = Math.min(now + days * DAY_MS, delivery.expires_at);
  const value = await signerOf(deps).sign(fieldsOf(delivery), expiresAt);
  return { name: deviceCookieName(deps), value, attributes: cookieAttributes(deps, linkToken, Math.max(1, Math.floor((expiresAt - now) / 1000))) };
}

/** Whether this cookie value remembers this device for this delivery as it is now. */
export async function deviceRemembered(deps: DeliveriesDeps, delivery: DeliveryRow, value: string | undefined): Promise<boolean> {
  if (!value || value.length > 200 || deps.site.deliveries.rememberDays <= 0) return false;
  return signerOf(deps).verify(fieldsOf(delivery), value, deps.now());
}

/** Clears the cookie (a refused or stale one, or the client's "forget this device"). */
export function forgetDeviceCookie(deps: DeliveriesDeps, linkToken: string): Cookie {
  return { name: deviceCookieName(deps), value: '', attributes: cookieAttributes(deps, linkToken, 0) };
}
