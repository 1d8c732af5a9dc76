import { thumbHashToDataURL } from 'thumbhash';

/**
 * A photo's ThumbHash (made with its previews on the server) as a tiny PNG data URL: the blurred
 * placeholder a tile paints until its thumbnail arrives. Decoded once per hash.
 */
const decoded = new Map<string, string | null>();

export function placeholderUrl(thumbhash: string | null): string | null {
  if (thumbhash === null) return null;
  let url = decoded.get(thumbhash);
  if (url === undefined) {
    try {
      const bytes = Uint8Array.from(atob(thumbhash), (char) => char.charCodeAt(0));
      url = thumbHashToDataURL(bytes);
    } catch {
      url = null;
    }
    decoded.set(thumbhash, url);
  }
  return url;
}

/**
 * Sets CSS custom properties on an element through the CSSOM: the page's CSP allows no inline
 * style attribute, and sizes that depend on each photo (its aspect ratio, its placeholder) are
 * custom properties the stylesheet reads.
 */
export function setCustomProperties(element: HTMLElement | null, properties: Record<string, string | null>): void {
  if (element === null) return;
  for (const [name, value] of Object.entries(properties)) {
    if (value === null) element.style.removeProperty(name);
    else element.style.setProperty(name, value);
  }
}

/** Width over height, from what the server knows of the photo; 3:2 when it knows nothing. */
export function aspectRatio(file: { width: number | null; height: number | null }): number {
  if (!file.width || !file.height) return 1.5;
  return Math.min(4, Math.max(0.25, file.width / file.height));
}
