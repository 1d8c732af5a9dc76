import { assetVersion } from './assets.ts';
import type { SocialLink } from './profiles.ts';

/**
 * The public pages' HTML, rendered on the server: every photo is in the markup (a <picture>
 * with AVIF and WebP sources and a JPEG <img>, `srcset` over the widths the photo has, its
 * width and height so nothing shifts as it loads, lazy below the first row), linked to its
 * large JPEG, so no script is needed to see anything. Everything interpolated is escaped.
 */

export const renditionWidths = [320, 640, 960, 1280, 1920] as const;
export type RenditionWidth = (typeof renditionWidths)[number];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

export interface PagePhoto {
  id: string;
  alt: string;
  width: number;
  height: number;
}

export interface PageContext {
  /** Path prefix of the portfolio's pages: `/p/{slug}`, or '' on its own host. */
  prefix: string;
  /** Absolute origin of the page (for canonical and Open Graph URLs). */
  origin: string;
  slug: string;
  displayName: string;
  bio: string;
  hasAvatar: boolean;
  contactUrl: string | null;
  socialLinks: SocialLink[];
  hideFromSearch: boolean;
}

/** The widths to offer for a photo: those not larger than it (always the smallest). */
export function widthsFor(photoWidth: number): RenditionWidth[] {
  const fitting = renditionWidths.filter((width) => width <= photoWidth);
  return fitting.length > 0 ? fitting : [renditionWidths[0]];
}

export function imagePath(context: Pick<PageContext, 'prefix'>, photoId: string, width: number, format: string): string {
  return `${context.prefix}/photos/${photoId}/w${width}.${format}`;
}

function srcset(context: PageContext, photo: PagePhoto, format: string): string {
  return widthsFor(photo.width)
    .map((width) => `${escapeHtml(imagePath(context, photo.id, width, format))} ${width}w`)
    .join(', ');
}

/** Display height for a width, as the transform makes it (fit inside, never enlarged). */
function heightAt(photo: PagePhoto, width: number): number {
  return Math.max(1, Math.round((photo.height * width) / photo.width));
}

const GRID_SIZES = '(min-width: 1200px) 290px, (min-width: 520px) 45vw, 100vw';

export function picture(context: PageContext, photo: PagePhoto, eager: boolean): string {
  const widths = widthsFor(photo.width);
  const display = widths[Math.min(1, widths.length - 1)]!;
  const loading = eager ? 'eager' : 'lazy';
  return (
    `<picture><source type="image/avif" srcset="${srcset(context, photo, 'avif')}" sizes="${GRID_SIZES}">` +
    `<source type="image/webp" srcset="${srcset(context, photo, 'webp')}" sizes="${GRID_SIZES}">` +
    `<img src="${escapeHtml(imagePath(context, photo.id, display, 'jpeg'))}" srcset="${srcset(context, photo, 'jpeg')}" sizes="${GRID_SIZES}" ` +
    `width="${display}" height="${heightAt(photo, display)}" alt="${escapeHtml(photo.alt)}" loading="${loading}" decoding="async"></picture>`
  );
}

function largest(context: PageContext, photo: PagePhoto, format: string): string {
  const widths = widthsFor(photo.width);
  return imagePath(context, photo.id, widths[widths.length - 1]!, format);
}

interface Meta {
  title: string;
  description: string;
  path: string;
  image: PagePhoto | undefined;
}

function head(context: PageContext, meta: Meta): string {
  const url = `${context.origin}${meta.path}`;
  const image = meta.image ? `${context.origin}${imagePath(context, meta.image.id, widthsFor(meta.image.width).at(-1)!, 'jpeg')}` : undefined;
  const tags = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(meta.title)}</title>`,
    `<meta name="description" content="${escapeHtml(meta.description)}">`,
    `<link rel="canonical" href="${escapeHtml(url)}">`,
    context.hideFromSearch ? '<meta name="robots" content="noindex, nofollow">' : '',
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${escapeHtml(meta.title)}">`,
    `<meta property="og:description" content="${escapeHtml(meta.description)}">`,
    `<meta property="og:url" content="${escapeHtml(url)}">`,
    `<meta property="og:site_name" content="${escapeHtml(context.displayName)}">`,
    image ? `<meta property="og:image" content="${escapeHtml(image)}">` : '',
    image && meta.image ? `<meta property="og:image:alt" content="${escapeHtml(meta.image.alt || meta.title)}">` : '',
    `<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}">`,
    `<meta name="twitter:title" content="${escapeHtml(meta.title)}">`,
    `<meta name="twitter:description" content="${escapeHtml(meta.description)}">`,
    image ? `<meta name="twitter:image" content="${escapeHtml(image)}">` : '',
    `<link rel="stylesheet" href="/p/_assets/portfolio.${assetVersion}.css">`,
    `<script src="/p/_assets/portfolio.${assetVersion}.js" defer></script>`,
  ];
  return tags.filter(Boolean).join('\n');
}

function profileHeader(context: PageContext, level: 'h1' | 'p'): string {
  const links = [
    ...(context.contactUrl ? [`<li><a href="${escapeHtml(context.contactUrl)}" data-track="contact" rel="noopener">Contact</a></li>`] : []),
    ...context.socialLinks.map((link) => `<li><a href="${escapeHtml(link.url)}" data-track="${escapeHtml(link.label.slice(0, 40))}" rel="noopener me">${escapeHtml(link.label)}</a></li>`),
  ];
  const name = level === 'h1' ? `<h1>${escapeHtml(context.displayName)}</h1>` : `<p><a href="${escapeHtml(context.prefix || '/')}">${escapeHtml(context.displayName)}</a></p>`;
  return (
    '<header class="profile">' +
    (context.hasAvatar ? `<img src="${escapeHtml(`${context.prefix}/avatar/w320.jpeg`)}" width="96" height="96" alt="">` : '') +
    `<div>${name}${level === 'h1' && context.bio ? `<p class="bio">${escapeHtml(context.bio)}</p>` : ''}` +
    (links.length > 0 ? `<ul class="links" aria-label="Links">${links.join('')}</ul>` : '') +
    '</div></header>'
  );
}

function document(context: PageContext, meta: Meta, bodyAttributes: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
${head(context, meta)}
</head>
<body data-portfolio="${escapeHtml(context.slug)}" data-events="/api/portfolio/events"${bodyAttributes}>
<a class="skip" href="#content">Skip to the photos</a>
${content}
<footer>© ${escapeHtml(context.displayName)}</footer>
</body>
</html>
`;
}

export interface HomeCollection {
  slug: string;
  title: string;
  description: string;
  count: number;
  cover: PagePhoto | undefined;
}

export function homePage(context: PageContext, collections: HomeCollection[]): string {
  const cards = collections
    .filter((collection) => collection.count > 0)
    .map(
      (collection, index) =>
        `<li class="card"><a href="${escapeHtml(`${context.prefix}/${collection.slug}`)}">${collection.cover ? picture(context, collection.cover, index < 4) : ''}` +
        `<h2>${escapeHtml(collection.title)}</h2><p>${collection.count} photo${collection.count === 1 ? '' : 's'}</p></a></li>`,
    );
  const content =
    profileHeader(context, 'h1') +
    `<main id="content"><h2 class="crumbs">Collections</h2>` +
    (cards.length > 0 ? `<ul class="grid">${cards.join('')}</ul>` : '<p class="empty">Nothing is published yet.</p>') +
    '</main>';
  const description = context.bio.slice(0, 200) || `Photographs by ${context.displayName}`;
  return document(context, { title: context.displayName, description, path: context.prefix || '/', image: collections.find((entry) => entry.cover)?.cover }, '', content);
}

export function collectionPage(context: PageContext, collection: { id: string; slug: string; title: string; description: string }, photos: PagePhoto[], cover: PagePhoto | undefined): string {
  const tiles = photos.map(
    (photo, index) =>
      `<li><a href="${escapeHtml(largest(context, photo, 'jpeg'))}" data-photo="${escapeHtml(photo.id)}" data-srcset="${srcset(context, photo, 'webp')}" data-large="${escapeHtml(largest(context, photo, 'webp'))}">${picture(context, photo, index < 4)}</a></li>`,
  );
  const content =
    profileHeader(context, 'p') +
    `<main id="content"><p class="crumbs"><a href="${escapeHtml(context.prefix || '/')}">← All collections</a></p>` +
    `<h1>${escapeHtml(collection.title)}</h1>` +
    (collection.description ? `<p class="bio">${escapeHtml(collection.description)}</p>` : '') +
    (tiles.length > 0 ? `<ul class="grid">${tiles.join('')}</ul>` : '<p class="empty">Nothing is published here yet.</p>') +
    '</main>';
  const description = collection.description.slice(0, 200) || `${collection.title} — photographs by ${context.displayName}`;
  return document(
    context,
    { title: `${collection.title} — ${context.displayName}`, description, path: `${context.prefix}/${collection.slug}`, image: cover ?? photos[0] },
    ` data-collection="${escapeHtml(collection.id)}"`,
    content,
  );
}

export function notFoundPage(): string {
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not found</title></head><body><main><h1>Not found</h1><p>There is no such page.</p></main></body></html>\n';
}

export function sitemap(urls: Array<{ loc: string; lastmod: number }>): string {
  const entries = urls.map((url) => `<url><loc>${escapeHtml(url.loc)}</loc><lastmod>${new Date(url.lastmod).toISOString().slice(0, 10)}</lastmod></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</urlset>\n`;
}
