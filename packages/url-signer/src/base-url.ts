import { UrlSignerError } from './errors.ts';

/**
 * An absolute http(s) base URL without its trailing slashes. Query strings, fragments and
 * credentials are refused: they would end up in front of the signed path.
 */
export function normaliseBaseUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UrlSignerError('invalid_argument', `baseUrl is not an absolute URL: ${String(baseUrl)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UrlSignerError('invalid_argument', 'baseUrl must use https or http');
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new UrlSignerError('invalid_argument', 'baseUrl must not have a query, a fragment or credentials');
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
