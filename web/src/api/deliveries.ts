/**
 * Client deliveries (docs/deliveries.md): the photographer's side, signed in and scoped to
 * their studio, and the client's side, where the link's token names the delivery and,
 * after the code, a cookie scoped to that delivery is the authorization.
 */
import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from './client';
import type { FileView } from './vault';

export type DeliveryStatus = 'active' | 'expired' | 'revoked' | 'locked' | 'exhausted';

/** A delivery as the photographer sees it; times are ISO 8601. */
export interface Delivery {
  id: string;
  title: string;
  message: string;
  recipients: string[];
  status: DeliveryStatus;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /** Until when wrong codes keep the delivery shut; `null` when it is not locked. */
  lockedUntil: string | null;
  /** Downloads allowed, each file and each ZIP counting one; `null`: no limit. */
  downloadLimit: number | null;
  downloadCount: number;
  viewCount: number;
  /** Whether the client may download the originals; otherwise only the large previews. */
  allowOriginals: boolean;
  /** Whether the client is offered every file as one ZIP. */
  allowZip: boolean;
  fileCount: number;
  totalBytes: number;
  lastActivityAt: string | null;
  /** The photo the client's gallery opens on; `null`: the first. */
  coverFileId: string | null;
  watermark: Watermark | null;
}

export type WatermarkPosition = 'center' | 'top-left' | 'top' | 'top-right' | 'left' | 'right' | 'bottom-left' | 'bottom' | 'bottom-right';

/** Drawn on the client's previews and web-size downloads, never on originals. */
export type Watermark = {
  text: string;
  position: WatermarkPosition;
  /** 0.05 – 1. */
  opacity: number;
};

/** A section of a delivery's gallery (Ceremony, Reception…), with its files in the delivery's order. */
export interface DeliverySet {
  id: string;
  name: string;
  fileIds: string[];
}

/** A delivery with its files in order and its sets: what getDelivery and every gallery edit answer. */
export interface DeliveryGallery {
  delivery: Delivery;
  files: FileView[];
  sets: DeliverySet[];
}

/** The link and the code of a delivery: shown once, when they are made, and never again. */
export interface DeliveryAccess {
  url: string;
  code: string;
}

export type DeliveryEventKind =
  | 'created'
  | 'opened'
  | 'code_failed'
  | 'locked'
  | 'file_downloaded'
  | 'zip_downloaded'
  | 'updated'
  | 'revoked'
  | 'code_regenerated'
  | 'resent'
  | 'file_added'
  | 'file_removed'
  | 'reordered'
  | 'sets_changed';

/** Something that happened to a delivery, and from roughly where when a client did it. */
export interface DeliveryEvent {
  id: string;
  kind: DeliveryEventKind;
  at: string;
  fileId: string | null;
  fileName: string | null;
  client: { device: string; place: string } | null;
}

/** A file in a delivery; the URLs are signed and short-lived. */
export interface ClientFile {
  id: string;
  name: string;
  /** The MIME type, e.g. `image/jpeg`. */
  type: string;
  size: number;
  /** Hex SHA-256 of the original. */
  sha256: string;
  width: number | null;
  height: number | null;
  thumbnailUrl: string | null;
  previewUrl: string | null;
  setId: string | null;
  /** The camera's wall-clock time, with its offset when it recorded one. */
  capturedAt: string | null;
  /** ThumbHash (base64): a placeholder painted before the thumbnail arrives. */
  thumbhash: string | null;
}

/** A section of the client's gallery. */
export interface ClientSet {
  id: string;
  name: string;
}

/** What the client may download: the original, or a JPEG of at most 2048 px (watermarked when the delivery is). */
export type DownloadSize = 'original' | 'web';

/** A delivery as the client sees it. */
export interface ClientDelivery {
  title: string;
  message: string;
  studioName: string;
  expiresAt: string;
  allowOriginals: boolean;
  allowZip: boolean;
  fileCount: number;
  totalBytes: number;
  /** `null`: no limit. */
  downloadsLeft: number | null;
  /** The download limit is used up: the photos can still be viewed. */
  viewOnly: boolean;
  createdAt: string;
  coverFileId: string | null;
  watermarked: boolean;
}

/** What the photographer chooses for a delivery, besides what it delivers. */
export interface DeliverySettings {
  title: string;
  message: string;
  recipients: string[];
  expiresAt: string;
  /** `null`: no limit. */
  downloadLimit: number | null;
  allowOriginals: boolean;
  allowZip: boolean;
}

/** Chosen files, or every file of an album. */
export type DeliveryContents = { fileIds: string[] } | { albumId: string };

/** What can be changed afterwards; what is left out stays as it is. */
export type DeliveryChanges = Partial<DeliverySettings> & { coverFileId?: string | null; watermark?: Watermark | null };

/** These actions take an (empty) JSON object: the server's schema asks for an object, not for no body. */
const NO_OPTIONS = {};

// Photographer side ----------------------------------------------------------------------

/** Creates a delivery and its link and code, which this answer alone ever shows. */
export function createDelivery(contents: DeliveryContents, settings: DeliverySettings): Promise<{ delivery: Delivery; access: DeliveryAccess }> {
  const { downloadLimit, ...rest } = settings;
  return apiPost<{ delivery: Delivery; access: DeliveryAccess }>('/api/deliveries', {
    ...('albumId' in contents ? { albumId: contents.albumId } : { fileIds: contents.fileIds }),
    ...rest,
    // Unlimited is simply not asking for a limit.
    downloadLimit: downloadLimit ?? undefined,
  });
}

/** The studio's deliveries, newest first. */
export async function listDeliveries(): Promise<Delivery[]> {
  const { deliveries } = await apiGet<{ deliveries: Delivery[] }>('/api/deliveries');
  return deliveries;
}

/** The delivery, its files in order (as the library shows them) and its sets. */
export function getDelivery(id: string): Promise<DeliveryGallery> {
  return apiGet<DeliveryGallery>(deliveryPath(id));
}

/** Adds files to a live delivery, at the end (or of a set): the client sees them on the next load. */
export function addDeliveryFiles(id: string, fileIds: string[], setId?: string): Promise<DeliveryGallery> {
  return apiPost<DeliveryGallery>(`${deliveryPath(id)}/files`, { fileIds, ...(setId === undefined ? {} : { setId }) });
}

/** Takes files out of a delivery (they stay in the library). */
export function removeDeliveryFiles(id: string, fileIds: string[]): Promise<DeliveryGallery> {
  return apiPost<DeliveryGallery>(`${deliveryPath(id)}/files/remove`, { fileIds });
}

/** A new order: these files first, in this order; or sorted by real capture time or by name. */
export function reorderDeliveryFiles(id: string, order: { fileIds: string[] } | { sortBy: 'capturedAt' | 'name' }): Promise<DeliveryGallery> {
  return apiPut<DeliveryGallery>(`${deliveryPath(id)}/order`, order);
}

export function createDeliverySet(id: string, name: string, fileIds?: string[]): Promise<DeliveryGallery> {
  return apiPost<DeliveryGallery>(`${deliveryPath(id)}/sets`, { name, ...(fileIds === undefined ? {} : { fileIds }) });
}

export function updateDeliverySet(
  id: string,
  setId: string,
  changes: { name?: string; position?: number; fileIds?: string[]; removeFileIds?: string[] },
): Promise<DeliveryGallery> {
  return apiPatch<DeliveryGallery>(`${deliveryPath(id)}/sets/${encodeURIComponent(setId)}`, { ...changes });
}

/** Deletes a set; its files stay in the delivery. */
export function deleteDeliverySet(id: string, setId: string): Promise<DeliveryGallery> {
  return apiDelete<DeliveryGallery>(`${deliveryPath(id)}/sets/${encodeURIComponent(setId)}`);
}

/** Edits a delivery; a later `expiresAt` extends it. `downloadLimit: null` lifts the limit. */
export async function updateDelivery(id: string, changes: DeliveryChanges): Promise<Delivery> {
  const { delivery } = await apiPatch<{ delivery: Delivery }>(deliveryPath(id), { ...changes });
  return delivery;
}

/** Ends the delivery now, its clients' sessions included. */
export async function revokeDelivery(id: string): Promise<Delivery | null> {
  const answer = await apiPost<{ delivery?: Delivery } | undefined>(`${deliveryPath(id)}/revoke`, NO_OPTIONS);
  return answer?.delivery ?? null;
}

/** A new code: the old one and every client session stop working, and a lockout is lifted. */
export function regenerateDeliveryCode(id: string, sendToRecipients: boolean): Promise<{ delivery: Delivery; code: string }> {
  return apiPost<{ delivery: Delivery; code: string }>(`${deliveryPath(id)}/code`, { sendToRecipients });
}

/** A new link and a new code, emailed to the recipients; the old link stops working. */
export function resendDelivery(id: string): Promise<{ delivery: Delivery; access: DeliveryAccess }> {
  return apiPost<{ delivery: Delivery; access: DeliveryAccess }>(`${deliveryPath(id)}/resend`, NO_OPTIONS);
}

/** What happened to the delivery, newest first. */
export async function listDeliveryEvents(id: string): Promise<DeliveryEvent[]> {
  const { events } = await apiGet<{ events: DeliveryEvent[] }>(`${deliveryPath(id)}/events`);
  return events;
}

// Client side ------------------------------------------------------------------------------

/** Checks the code; a correct one opens a session for this delivery alone (a cookie). */
export async function openDelivery(token: string, code: string): Promise<ClientDelivery> {
  const { delivery } = await apiPost<{ delivery: ClientDelivery }>(`${clientPath(token)}/open`, { code });
  return delivery;
}

/** The delivery, its files in order and its sets; 401 `delivery_code_required` until the code was entered. */
export function listDeliveryFiles(token: string): Promise<{ delivery: ClientDelivery; files: ClientFile[]; sets: ClientSet[] }> {
  return apiGet<{ delivery: ClientDelivery; files: ClientFile[]; sets: ClientSet[] }>(`${clientPath(token)}/files`);
}

/** A short-lived signed link to the file: the original, or the web size (without a size: the original, or the preview when originals are not offered). */
export function createDeliveryDownloadUrl(token: string, fileId: string, size?: DownloadSize): Promise<{ url: string; expiresAt: string }> {
  return apiPost<{ url: string; expiresAt: string }>(
    `${clientPath(token)}/files/${encodeURIComponent(fileId)}/download-url`,
    size === undefined ? NO_OPTIONS : { size },
  );
}

/** Where every file and their checksums download as one streamed ZIP (`downloadDeliveryZip`). */
export function deliveryZipUrl(token: string): string {
  return `${clientPath(token)}/zip`;
}

function deliveryPath(id: string): string {
  return `/api/deliveries/${encodeURIComponent(id)}`;
}

function clientPath(token: string): string {
  return `/api/d/${encodeURIComponent(token)}`;
}
