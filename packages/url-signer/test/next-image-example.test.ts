import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import shutterlockImageLoader from '../examples/next-image-loader.ts';
import { createImageRoute } from '../examples/next-image-route.ts';
import { parseOptStuffPath } from '../src/index.ts';

const secretKey = 'sk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const route = createImageRoute({
  baseUrl: 'https://photos.example.com',
  projectSlug: 'my-site',
  publicKey: 'pk_EBESExQVFhcYGRobHB0eHw',
  secretKey,
  allowSource: (source) => source.startsWith('cdn.example.com/') || source === 'vault-source-1',
});

async function get(loaderUrl: string): Promise<Response> {
  return route(new Request(new URL(loaderUrl, 'https://studio.example.com')));
}

describe('the Next.js image loader example', () => {
  it('points next/image at the signing route, without any secret', () => {
    expect(shutterlockImageLoader({ src: 'https://cdn.example.com/a b.jpg', width: 640, quality: 80 })).toBe(
      '/api/image?src=https%3A%2F%2Fcdn.example.com%2Fa+b.jpg&w=640&q=80',
    );
    expect(shutterlockImageLoader({ src: 'vault-source-1', width: 1080 })).toBe('/api/image?src=vault-source-1&w=1080');
  });

  it('redirects to a signed, expiring Shutterlock URL', async () => {
    const response = await get(shutterlockImageLoader({ src: 'https://cdn.example.com/weddings/first dance.jpg', width: 640 }));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe('https://photos.example.com');
    const parsed = parseOptStuffPath(location.pathname.slice('/api/v1/'.length));
    expect(parsed).toMatchObject({ projectSlug: 'my-site', operations: 'w_640,q_75,f_auto', source: 'cdn.example.com/weddings/first%20dance.jpg' });
    const exp = Number(location.searchParams.get('exp'));
    expect(exp % 3600).toBe(0);
    expect(exp * 1000 - Date.now()).toBeGreaterThanOrEqual(86_400_000 - 1000);
    const payload = `${parsed.operations}/${parsed.source}?exp=${exp}`;
    expect(location.searchParams.get('sig')).toBe(createHmac('sha256', secretKey).update(payload).digest('base64url').slice(0, 32));
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('signs vault sources as they are', async () => {
    const response = await get(shutterlockImageLoader({ src: 'vault-source-1', width: 1080, quality: 90 }));
    expect(new URL(response.headers.get('location')!).pathname).toBe('/api/v1/my-site/w_1080,q_90,f_auto/vault-source-1');
  });

  it('refuses sources, widths and qualities it was not configured for', async () => {
    for (const url of [
      shutterlockImageLoader({ src: 'https://evil.example/a.jpg', width: 640 }),
      shutterlockImageLoader({ src: 'https://cdn.example.com.evil.example/a.jpg', width: 640 }),
      shutterlockImageLoader({ src: 'https://cdn.example.com/a.jpg', width: 641 }),
      shutterlockImageLoader({ src: 'https://cdn.example.com/a.jpg', width: 640, quality: 0 }),
      shutterlockImageLoader({ src: 'ftp://cdn.example.com/a.jpg', width: 640 }),
      shutterlockImageLoader({ src: 'https://cdn.example.com@evil.example/a.jpg', width: 640 }),
      shutterlockImageLoader({ src: 'https://cdn.example.com//a.jpg', width: 640 }),
      '/api/image?w=640',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});
