import type { MailAttachment } from './mailer.ts';

/**
 * The one template every email to a studio's client is rendered from (the delivery's link, its
 * code, the expiry reminder…): an HTML part and a plain-text part saying the same, in the
 * studio's name, logo and accent colour, with its contact details and signature underneath.
 * Everything put into the HTML is escaped here; the accent colour is used only when it is a
 * `#rrggbb` value; the logo travels inside the message (an inline `cid:` image), so opening
 * the email fetches nothing from anywhere and no link token ever sits in an image address.
 */

export interface EmailBrand {
  name: string;
  accentColor: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  signature: string | null;
  /** The studio's logo (the PNG the server re-encoded), shown above the heading. */
  logoPng?: Buffer;
}

export interface ClientEmailContent {
  subject: string;
  heading: string;
  /** Plain text; a paragraph may hold newlines. */
  paragraphs: readonly string[];
  /** A button in HTML, the bare link in text. */
  action?: { label: string; url: string };
  /** A code shown large, alone on its line. */
  code?: string;
  /** Small print under the main text. */
  notes?: readonly string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

const DEFAULT_ACCENT = '#1f4e79';
const LOGO_CID = 'studio-logo@shutterlock';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function paragraphHtml(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/** Black or white, whichever reads better on the accent (WCAG relative luminance). */
function textOn(hex: string): string {
  const channel = (index: number) => {
    const value = Number.parseInt(hex.slice(index, index + 2), 16) / 255;
    return value <= 0.039_28 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

function contactLines(brand: EmailBrand): string[] {
  return [brand.contactEmail, brand.contactPhone, brand.website].filter((line): line is string => Boolean(line));
}

function renderText(brand: EmailBrand, content: ClientEmailContent): string {
  const lines: string[] = [brand.name, '', content.heading, ''];
  for (const paragraph of content.paragraphs) lines.push(paragraph, '');
  if (content.code) lines.push(`    ${content.code}`, '');
  if (content.action) lines.push(`${content.action.label}: ${content.action.url}`, '');
  for (const note of content.notes ?? []) lines.push(note, '');
  if (brand.signature) lines.push('--', brand.signature, '');
  const contact = contactLines(brand);
  if (contact.length > 0) lines.push(...contact, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderHtml(brand: EmailBrand, content: ClientEmailContent): string {
  const accent = brand.accentColor && /^#[0-9a-fA-F]{6}$/.test(brand.accentColor) ? brand.accentColor : DEFAULT_ACCENT;
  const onAccent = textOn(accent);
  const name = escapeHtml(brand.name);
  const header = brand.logoPng
    ? `<img src="cid:${LOGO_CID}" alt="${name}" style="max-width:200px;max-height:80px;border:0;display:block;margin:0 auto">`
    : `<span style="font-size:20px;font-weight:600;color:${accent}">${name}</span>`;
  const body = [
    `<h1 style="font-size:20px;margin:0 0 16px;color:#111111">${escapeHtml(content.heading)}</h1>`,
    ...content.paragraphs.map((paragraph) => `<p style="margin:0 0 16px;line-height:1.5">${paragraphHtml(paragraph)}</p>`),
    content.code
      ? `<p style="margin:8px 0 24px;font-size:28px;letter-spacing:4px;font-family:Menlo,Consolas,monospace;font-weight:600;text-align:center">${escapeHtml(content.code)}</p>`
      : '',
    content.action
      ? `<p style="margin:8px 0 24px;text-align:center"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:12px 24px;border-radius:6px;background:${accent};color:${onAccent};text-decoration:none;font-weight:600">${escapeHtml(content.action.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:12px;color:#555555;word-break:break-all">${escapeHtml(content.action.url)}</p>`
      : '',
    ...(content.notes ?? []).map((note) => `<p style="margin:0 0 12px;font-size:13px;color:#555555;line-height:1.5">${paragraphHtml(note)}</p>`),
  ].join('\n');
  const signature = brand.signature ? `<p style="margin:0 0 8px;line-height:1.5">${paragraphHtml(brand.signature)}</p>` : '';
  const contact = contactLines(brand)
    .map((line) => escapeHtml(line))
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222222">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f4"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;border-top:4px solid ${accent}">
<tr><td align="center" style="padding:24px 24px 8px">${header}</td></tr>
<tr><td style="padding:16px 24px 8px;font-size:15px">
${body}
</td></tr>
<tr><td style="padding:8px 24px 24px;font-size:13px;color:#555555;border-top:1px solid #eeeeee">
${signature}<p style="margin:0">${name}${contact ? ` · ${contact}` : ''}</p>
</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
}

export function renderClientEmail(brand: EmailBrand, content: ClientEmailContent): RenderedEmail {
  return {
    subject: content.subject,
    text: renderText(brand, content),
    html: renderHtml(brand, content),
    attachments: brand.logoPng ? [{ filename: 'logo.png', content: brand.logoPng, contentType: 'image/png', cid: LOGO_CID }] : [],
  };
}
