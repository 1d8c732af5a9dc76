import sharp from 'sharp';
import { expect } from 'vitest';
import { signedInClient } from '../server/test/accounts.ts';
import type { TestClient } from '../server/test/client.ts';
import { type DeliveryAccess, type DeliveryView, createDelivery } from '../server/test/deliveries.ts';
import type { TestServer } from '../server/test/harness.ts';
import { type UploadedFile, settled, uploaded } from '../server/test/vault.ts';

/**
 * A small wedding shoot made up on the spot and delivered through the API: what the browser
 * tests, the accessibility check and the screenshots (scripts/screenshots.ts) start from
 * when the photographer's side is not what they look at.
 */

/** The phone and desktop every client-side browser test looks through. */
export const viewports = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
} as const;

export type Device = keyof typeof viewports;

interface Scene {
  name: string;
  /** When the camera says it was taken, and its clock's offset. */
  takenAt: string;
  offset: string;
  width: number;
  height: number;
  /** Sky from top to horizon, then the hills, front last. */
  sky: [string, string];
  hills: [string, string];
  sun: string;
}

type Palette = Pick<Scene, 'sky' | 'hills' | 'sun'>;

const dawn: Palette = { sky: ['#f6d5c3', '#f9efe6'], hills: ['#c9a99a', '#8f6f6a'], sun: '#fff4e0' };
const noon: Palette = { sky: ['#8ec5e8', '#e4f1f7'], hills: ['#7fa37a', '#46674a'], sun: '#fffbe8' };
const afternoon: Palette = { sky: ['#a7c7e7', '#f3efe4'], hills: ['#9fb28b', '#5d7a57'], sun: '#fff8dc' };
const sand: Palette = { sky: ['#e9d8c4', '#faf4ec'], hills: ['#c7b08a', '#8c7450'], sun: '#fffaf0' };
const sunset: Palette = { sky: ['#f4a261', '#f9dcc4'], hills: ['#b5838d', '#6d597a'], sun: '#ffe8a8' };
const night: Palette = { sky: ['#2b2d42', '#8d5b8c'], hills: ['#4a4e69', '#22223b'], sun: '#f2e9e4' };

const portrait = { width: 1067, height: 1600 };
const landscape = { width: 1600, height: 1067 };

/**
 * Landscapes drawn as SVG, in capture order: pleasant enough for a screenshot, different
 * enough to tell apart, and in every shape a real shoot has (portrait, landscape, square, panorama).
 */
export const scenes: readonly Scene[] = [
  { name: 'getting-ready.jpg', takenAt: '2024:06:01 11:05:00', offset: '+02:00', ...portrait, ...dawn },
  { name: 'the-dress.jpg', takenAt: '2024:06:01 11:40:00', offset: '+02:00', ...landscape, ...sand },
  { name: 'bouquet.jpg', takenAt: '2024:06:01 12:10:00', offset: '+02:00', ...portrait, ...noon },
  { name: 'first-look.jpg', takenAt: '2024:06:01 13:20:00', offset: '+02:00', ...landscape, ...noon },
  { name: 'ceremony.jpg', takenAt: '2024:06:01 15:00:00', offset: '+02:00', width: 2400, height: 1000, ...afternoon },
  { name: 'vows.jpg', takenAt: '2024:06:01 15:20:00', offset: '+02:00', ...portrait, ...afternoon },
  { name: 'rings.jpg', takenAt: '2024:06:01 15:40:00', offset: '+02:00', width: 1200, height: 1200, ...sand },
  { name: 'confetti.jpg', takenAt: '2024:06:01 16:05:00', offset: '+02:00', ...landscape, ...dawn },
  { name: 'portraits.jpg', takenAt: '2024:06:01 18:30:00', offset: '+02:00', ...portrait, ...sunset },
  { name: 'toasts.jpg', takenAt: '2024:06:01 20:30:00', offset: '+02:00', ...landscape, ...sunset },
  { name: 'first-dance.jpg', takenAt: '2024:06:01 21:45:00', offset: '+02:00', ...landscape, ...night },
  { name: 'sparklers.jpg', takenAt: '2024:06:01 23:10:00', offset: '+02:00', ...portrait, ...night },
];

/** One scene as a JPEG with its capture time in EXIF. */
export async function photoOf(scene: Scene): Promise<Buffer> {
  const { width: w, height: h } = scene;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${scene.sky[0]}"/><stop offset="1" stop-color="${scene.sky[1]}"/></linearGradient></defs>
    <rect width="${w}" height="${h}" fill="url(#sky)"/>
    <circle cx="${w * 0.68}" cy="${h * 0.42}" r="${Math.min(w, h) * 0.11}" fill="${scene.sun}" opacity="0.9"/>
    <path d="M0 ${h * 0.66} Q ${w * 0.25} ${h * 0.5} ${w * 0.5} ${h * 0.62} T ${w} ${h * 0.58} V ${h} H 0 Z" fill="${scene.hills[0]}"/>
    <path d="M0 ${h * 0.8} Q ${w * 0.35} ${h * 0.68} ${w * 0.7} ${h * 0.78} T ${w} ${h * 0.74} V ${h} H 0 Z" fill="${scene.hills[1]}"/>
  </svg>`;
  return sharp(Buffer.from(svg))
    .withExif({ IFD2: { DateTimeOriginal: scene.takenAt, OffsetTimeOriginal: scene.offset } })
    .jpeg({ quality: 82 })
    .toBuffer();
}

export const LOGO_WIDTH = 600;

/** A logo: the studio's name as a wordmark in its accent colour, on a transparent ground. */
export async function logoPng(name: string, accent: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${LOGO_WIDTH}" height="120" viewBox="0 0 ${LOGO_WIDTH} 120">
    <text x="${LOGO_WIDTH / 2}" y="78" font-family="serif" font-size="60" letter-spacing="4" fill="${accent}" text-anchor="middle">${name}</text>
    <rect x="${LOGO_WIDTH / 2 - 60}" y="96" width="120" height="3" fill="${accent}"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface DeliveredShoot {
  photographer: TestClient;
  email: string;
  files: UploadedFile[];
  delivery: DeliveryView;
  access: DeliveryAccess;
}

/**
 * A photographer (signed in over the API) whose studio delivered the first `count` scenes
 * (all by default), sorted by capture time, each with its previews made. `title` names the delivery.
 */
export async function deliveredShoot(server: TestServer, label: string, options: { title: string; count?: number }): Promise<DeliveredShoot> {
  const { client: photographer, user } = await signedInClient(server, 'photographer', label);
  const files: UploadedFile[] = [];
  for (const scene of scenes.slice(0, options.count ?? scenes.length)) files.push(await uploaded(photographer, await photoOf(scene), { name: scene.name }));
  for (const file of files) expect((await settled(photographer, file.id)).status).toBe('ready');
  const { delivery, access } = await createDelivery(photographer, { title: options.title, fileIds: files.map((file) => file.id), order: 'capturedAt' });
  return { photographer, email: user.email, files, delivery, access };
}

/** A call from the photographer that must succeed; its answer. */
export async function succeeded<T>(photographer: TestClient, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await photographer.json<T>(method, path, body);
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return answer.body;
}

/** The branding the accessibility check and the screenshots show: name, accent colour, logo, contact, signature. */
export const lumiere = { name: 'Studio Lumière', accentColor: '#8a3b5c', contactEmail: 'hello@lumiere.example', signature: 'With love, Léa' } as const;

/** Gives the photographer's studio `lumiere`'s branding and logo, through the API. */
export async function brandAsLumiere(photographer: TestClient): Promise<void> {
  await succeeded(photographer, 'PATCH', '/api/studio/branding', lumiere);
  const logo = await photographer.request('PUT', '/api/studio/branding/logo', new Uint8Array(await logoPng(lumiere.name, lumiere.accentColor)), { 'content-type': 'image/png' });
  expect(logo.status).toBe(200);
}
