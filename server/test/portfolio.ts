import { expect } from 'vitest';
import type { TestClient } from './client.ts';
import { photo } from './images.ts';
import { uploaded } from './vault.ts';

/** Portfolio calls for tests: a profile, a collection, photos published into it. */

let counter = 0;

export function uniquePortfolioSlug(label = 'p'): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface TestCollection {
  id: string;
  slug: string;
  photos: Array<{ id: string; fileId: string; width: number; height: number }>;
}

export async function createPortfolio(client: TestClient, options: { slug?: string; hideFromSearch?: boolean } = {}): Promise<{ slug: string; id: string }> {
  const slug = options.slug ?? uniquePortfolioSlug();
  const saved = await client.json<{ profile: { id: string; slug: string } }>('PUT', '/api/portfolio/profile', {
    slug,
    displayName: 'Ana Hensler',
    bio: 'Weddings and portraits.',
    contactUrl: 'mailto:ana@example.com',
    socialLinks: [{ label: 'Instagram', url: 'https://instagram.com/ana' }],
    hideFromSearch: options.hideFromSearch ?? false,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return saved.body.profile;
}

export async function createCollection(client: TestClient, title = 'Weddings'): Promise<TestCollection> {
  const created = await client.json<{ collection: TestCollection }>('POST', '/api/portfolio/collections', { title });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.collection;
}

/** Uploads `count` JPEGs with camera EXIF and GPS, and publishes them into the collection. */
export async function publishNew(client: TestClient, collectionId: string, count = 1): Promise<TestCollection> {
  const fileIds: string[] = [];
  for (let index = 0; index < count; index++) fileIds.push((await uploaded(client, await photo('jpeg', { width: 640, height: 480, exif: true }), { name: `p${index}.jpg` })).id);
  const published = await client.json<{ collection: TestCollection }>('POST', `/api/portfolio/collections/${collectionId}/photos`, { fileIds, alt: 'A photo' });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return published.body.collection;
}
