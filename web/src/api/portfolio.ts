/**
 * Portfolios (docs/portfolio.md): the photographer's profile, collections of published photos,
 * website tokens for /api/site/v1 and the analytics dashboard.
 */
import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from './client';
import type { Watermark } from './deliveries';

export type SocialLink = {
  label: string;
  url: string;
};

export interface PortfolioProfile {
  id: string;
  slug: string;
  displayName: string;
  bio: string;
  avatarFileId: string | null;
  contactUrl: string | null;
  socialLinks: SocialLink[];
  hideFromSearch: boolean;
  url: string;
  hostUrl: string | null;
  updatedAt: string;
}

export interface ProfileInput {
  slug: string;
  displayName: string;
  bio?: string;
  avatarFileId?: string | null;
  contactUrl?: string | null;
  socialLinks?: SocialLink[];
  hideFromSearch?: boolean;
}

export interface PortfolioPhoto {
  id: string;
  fileId: string;
  alt: string;
  width: number;
  height: number;
  position: number;
  publishedAt: string;
  thumbnailUrl: string;
}

export interface PortfolioCollection {
  id: string;
  slug: string;
  title: string;
  description: string;
  coverPhotoId: string | null;
  position: number;
  watermark: CollectionWatermark | null;
  url: string;
  photos: PortfolioPhoto[];
  updatedAt: string;
}

/** Drawn on every public rendition of the collection's photos; `logo`: the studio's logo instead of the text while it has one. */
export type CollectionWatermark = Watermark & { logo?: boolean };

export type SiteTokenStatus = 'active' | 'expiring' | 'expired' | 'revoked';

export interface SiteToken {
  id: string;
  name: string;
  origins: string[];
  status: SiteTokenStatus;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AnalyticsTotals {
  impressions: number;
  views: number;
  clicks: number;
  downloads: number;
  pageViews: number;
  visitors: number;
}

export interface Analytics {
  days: number;
  from: string;
  to: string;
  totals: AnalyticsTotals;
  series: Array<AnalyticsTotals & { date: string }>;
  topPhotos: Array<{ photoId: string; thumbnailUrl: string | null; views: number; impressions: number }>;
  topCollections: Array<{ collectionId: string; title: string; pageViews: number; views: number }>;
  referrers: Array<{ referrer: string; pageViews: number }>;
  photographers: Array<{ portfolioId: string; slug: string; displayName: string; totals: AnalyticsTotals }>;
}

export const getProfile = () => apiGet<{ profile: PortfolioProfile | null }>('/api/portfolio/profile').then((answer) => answer.profile);
export const saveProfile = (input: ProfileInput) => apiPut<{ profile: PortfolioProfile }>('/api/portfolio/profile', { ...input }).then((answer) => answer.profile);
export const listCollections = () => apiGet<{ collections: PortfolioCollection[] }>('/api/portfolio/collections').then((answer) => answer.collections);
export const createCollection = (title: string, description: string) =>
  apiPost<{ collection: PortfolioCollection }>('/api/portfolio/collections', { title, description }).then((answer) => answer.collection);
export const updateCollection = (id: string, input: { title?: string; description?: string; coverPhotoId?: string | null; position?: number; watermark?: CollectionWatermark | null }) =>
  apiPatch<{ collection: PortfolioCollection }>(`/api/portfolio/collections/${id}`, { ...input }).then((answer) => answer.collection);
export const deleteCollection = (id: string) => apiDelete<null>(`/api/portfolio/collections/${id}`);
export const publishPhotos = (id: string, fileIds: string[]) =>
  apiPost<{ collection: PortfolioCollection }>(`/api/portfolio/collections/${id}/photos`, { fileIds }).then((answer) => answer.collection);
export const unpublishPhotos = (id: string, photoIds: string[]) => apiPost<{ unpublished: number }>(`/api/portfolio/collections/${id}/photos/unpublish`, { photoIds });
export const reorderCollection = (id: string, photoIds: string[]) =>
  apiPut<{ collection: PortfolioCollection }>(`/api/portfolio/collections/${id}/order`, { photoIds }).then((answer) => answer.collection);
export const listSiteTokens = () => apiGet<{ tokens: SiteToken[] }>('/api/portfolio/site-tokens').then((answer) => answer.tokens);
export const createSiteToken = (name: string, origins: string[]) => apiPost<{ token: SiteToken; secret: string }>('/api/portfolio/site-tokens', { name, origins });
export const rotateSiteToken = (id: string, overlapHours: number) => apiPost<{ token: SiteToken; secret: string; previous: SiteToken }>(`/api/portfolio/site-tokens/${id}/rotate`, { overlapHours });
export const revokeSiteToken = (id: string) => apiPost<{ token: SiteToken }>(`/api/portfolio/site-tokens/${id}/revoke`);
export const analyticsQuery = (days: number, portfolioId?: string) => new URLSearchParams({ days: String(days), ...(portfolioId ? { portfolioId } : {}) }).toString();
export const getAnalytics = (days: number, portfolioId?: string) => apiGet<Analytics>(`/api/portfolio/analytics?${analyticsQuery(days, portfolioId)}`);

/** A host name the admin mapped to a portfolio (served at its root, like {slug}.{PORTFOLIO_DOMAIN}). */
export interface PortfolioDomain {
  host: string;
  portfolioId: string;
  slug: string;
  displayName: string;
  studioId: string;
  url: string;
}

export interface DomainTarget {
  id: string;
  slug: string;
  displayName: string;
  studioId: string;
  host: string | null;
}

export const listPortfolioDomains = () => apiGet<{ domains: PortfolioDomain[]; portfolios: DomainTarget[] }>('/api/admin/portfolio-domains');
export const mapPortfolioDomain = (host: string, portfolioId: string) =>
  apiPost<{ domain: PortfolioDomain }>('/api/admin/portfolio-domains', { host, portfolioId }).then((answer) => answer.domain);
export const unmapPortfolioDomain = (host: string) => apiDelete<null>(`/api/admin/portfolio-domains/${encodeURIComponent(host)}`);
