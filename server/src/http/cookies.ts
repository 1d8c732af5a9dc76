import type { FastifyReply } from 'fastify';

/**
 * Cookies as values: a service decides a cookie (its name, value and attributes) and returns
 * it; the route sets it on the answer. Every cookie we set is HttpOnly.
 */

export interface CookieAttributes {
  httpOnly: true;
  sameSite: 'lax' | 'strict';
  path: string;
  secure: boolean;
  maxAge?: number;
}

export interface Cookie {
  name: string;
  value: string;
  attributes: CookieAttributes;
}

export function setCookie(reply: FastifyReply, cookie: Cookie): void {
  reply.setCookie(cookie.name, cookie.value, cookie.attributes);
}

/** A cookie is only cleared when the attributes match the ones it was set with. */
export function clearCookie(reply: FastifyReply, name: string, attributes: CookieAttributes): void {
  reply.clearCookie(name, attributes);
}
