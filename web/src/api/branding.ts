import { apiDelete, apiGet, apiPatch, apiPost, apiPutBytes } from './client';

/** The studio's branding, as the photographer edits it (getStudioBranding). */
export interface StudioBranding {
  /** What clients see: the branding name, or the studio's name. */
  name: string;
  /** false: no branding name is set, so the studio's name is shown. */
  customName: boolean;
  accentColor: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  signature: string | null;
  logo: { version: string; width: number; height: number } | null;
  updatedAt: string | null;
}

/** What a studio's client sees of it, on the delivery page and in emails. */
export interface ClientBranding {
  name: string;
  accentColor: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  signature: string | null;
  logoVersion: string | null;
}

export type BrandingChanges = Partial<Pick<StudioBranding, 'accentColor' | 'contactEmail' | 'contactPhone' | 'website' | 'signature'>> & { name?: string | null };

export async function getStudioBranding(): Promise<StudioBranding> {
  return (await apiGet<{ branding: StudioBranding }>('/api/studio/branding')).branding;
}

export async function updateStudioBranding(changes: BrandingChanges): Promise<StudioBranding> {
  return (await apiPatch<{ branding: StudioBranding }>('/api/studio/branding', { ...changes })).branding;
}

export async function uploadStudioLogo(file: Blob): Promise<StudioBranding> {
  return (await apiPutBytes<{ branding: StudioBranding }>('/api/studio/branding/logo', file)).branding;
}

export async function deleteStudioLogo(): Promise<StudioBranding> {
  return (await apiDelete<{ branding: StudioBranding }>('/api/studio/branding/logo')).branding;
}

/** The logo as clients get it, for the photographer's preview. */
export function studioLogoUrl(version: string): string {
  return `/api/studio/branding/logo?v=${encodeURIComponent(version)}`;
}

// Client side ------------------------------------------------------------------------------

/** The studio's name, colours and logo for a live delivery's page, before the code. */
export async function getDeliveryBranding(token: string): Promise<ClientBranding> {
  return (await apiGet<{ branding: ClientBranding }>(`/api/d/${encodeURIComponent(token)}/branding`)).branding;
}

export function deliveryLogoUrl(token: string, version: string): string {
  return `/api/d/${encodeURIComponent(token)}/logo?v=${encodeURIComponent(version)}`;
}

/** A remembered device starts a new session without the code; 401 `delivery_code_required` otherwise. */
export async function resumeDelivery(token: string): Promise<void> {
  await apiPost(`/api/d/${encodeURIComponent(token)}/resume`, {});
}

/** The delivery's link and code again, for the photographer (getDeliveryAccess). */
export async function getDeliveryAccess(id: string): Promise<{ url: string | null; code: string | null }> {
  return (await apiGet<{ access: { url: string | null; code: string | null } }>(`/api/deliveries/${encodeURIComponent(id)}/access`)).access;
}

/** Black or white text, whichever reads better on `hex` (WCAG relative luminance). */
export function textOnAccent(hex: string): '#000000' | '#ffffff' {
  const channel = (index: number) => {
    const value = Number.parseInt(hex.slice(index, index + 2), 16) / 255;
    return value <= 0.039_28 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#000000' : '#ffffff';
}
