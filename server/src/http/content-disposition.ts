/**
 * `Content-Disposition` with a file name every browser reads right (RFC 6266): an ASCII
 * `filename` for old clients and `filename*=UTF-8''…` (RFC 5987) with the real name.
 */

/** RFC 5987 attr-char: everything else is percent-encoded (encodeURIComponent leaves ' ( ) * alone). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Compatibility forms first (NFKD turns full-width `．．／` into `../`), then accents dropped,
 * and only then everything that is path syntax or not printable ASCII replaced: separators,
 * the quote, controls, a leading dot and runs of dots. So the fallback is never a path.
 */
function asciiFallback(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\/]/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_');
}

export function contentDisposition(type: 'attachment' | 'inline', input: string): string {
  // A lone surrogate cannot be percent-encoded (encodeURIComponent throws): it becomes U+FFFD.
  const name = input.toWellFormed();
  const fallback = asciiFallback(name);
  return fallback === name ? `${type}; filename="${name}"` : `${type}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}
