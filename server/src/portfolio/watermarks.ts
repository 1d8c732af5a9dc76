import type { RenderedImage, Rendition, RenditionWatermark } from '../images/service.ts';
import { type Watermark, parseWatermark } from '../imaging/watermark-spec.ts';
import { getStudioBranding, studioLogo } from '../studios/branding.ts';
import type { PortfolioDeps } from './deps.ts';
import { type PhotoRow, findStudioCollection } from './repo.ts';

/**
 * A published photo as the public sees it (pages and the site API): the image service's
 * derivative, with its collection's watermark when it has one. The collection is read on
 * every request, like the photo row, and the watermark (text, position, opacity and the logo's
 * version) is part of the rendition's cache key and ETag: setting, changing or removing it
 * shows at once, and a client's cached copy never revalidates across a change.
 */

async function renditionWatermark(deps: PortfolioDeps, studioId: string, watermark: Watermark): Promise<RenditionWatermark> {
  const drawn = { text: watermark.text, position: watermark.position, opacity: watermark.opacity };
  if (!watermark.logo) return { version: JSON.stringify(drawn), spec: async () => ({ ...drawn, logo: null }) };
  // The studio's logo when its branding has one; the text otherwise.
  const logoVersion = (await getStudioBranding(deps, studioId)).logo?.version ?? null;
  return {
    version: JSON.stringify({ ...drawn, logo: logoVersion }),
    spec: async () => ({ ...drawn, logo: logoVersion === null ? null : ((await studioLogo(deps, studioId))?.png ?? null) }),
  };
}

export async function renderPublishedPhoto(deps: PortfolioDeps, photo: PhotoRow, rendition: Omit<Rendition, 'watermark'>, ifNoneMatch: string | undefined): Promise<RenderedImage> {
  const collection = await findStudioCollection(deps.db, photo.studio_id, photo.collection_id);
  const watermark = parseWatermark(collection?.watermark_json ?? null);
  return deps.images.renderFile(photo.studio_id, photo.file_id, { ...rendition, watermark: watermark ? await renditionWatermark(deps, photo.studio_id, watermark) : undefined }, ifNoneMatch);
}
