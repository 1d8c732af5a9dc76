/**
 * The image service's control plane (docs/imaging.md): projects, API keys, usage and files
 * published for the web, all in the signed-in photographer's studio.
 */
import { apiGet, apiPatch, apiPost, apiPut, apiDelete } from './client';

export interface ImageProject {
  id: string;
  name: string;
  slug: string;
  description: string;
  referers: string[];
  sources: string[];
  requireExpiry: boolean;
  maxLifetimeSeconds: number | null;
  allowOriginal: boolean;
  imgproxy: { enabled: boolean; signatureSize: number };
  createdAt: string;
  updatedAt: string;
}

export type ImageKeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

export interface ImageKey {
  id: string;
  projectId: string;
  name: string;
  publicKey: string;
  status: ImageKeyStatus;
  referers: string[] | null;
  sources: string[] | null;
  perMinute: number;
  perDay: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
  previousSecretValidUntil: string | null;
  createdAt: string;
}

export interface UsagePoint {
  at: string;
  requests: number;
  bytes: number;
  cacheHits: number;
  refused: { signature: number; expired: number; referer: number; source: number; rateLimit: number };
}

export interface ImageUsage {
  perMinute: UsagePoint[];
  perDay: UsagePoint[];
}

export interface ProjectInput {
  name?: string;
  slug?: string;
  description?: string;
  referers?: string[];
  sources?: string[];
  requireExpiry?: boolean;
  maxLifetimeSeconds?: number | null;
  allowOriginal?: boolean;
}

export const listProjects = () => apiGet<{ projects: ImageProject[] }>('/api/images/projects').then((answer) => answer.projects);
export const getProject = (id: string) => apiGet<{ project: ImageProject }>(`/api/images/projects/${id}`).then((answer) => answer.project);
export const createProject = (input: ProjectInput & { name: string; slug: string }) => apiPost<{ project: ImageProject }>('/api/images/projects', { ...input });
export const updateProject = (id: string, input: ProjectInput) => apiPatch<{ project: ImageProject }>(`/api/images/projects/${id}`, { ...input });
export const deleteProject = (id: string) => apiDelete<null>(`/api/images/projects/${id}`);
export const listKeys = (projectId: string) => apiGet<{ keys: ImageKey[] }>(`/api/images/projects/${projectId}/keys`).then((answer) => answer.keys);
export const createKey = (projectId: string, name: string) => apiPost<{ key: ImageKey; secretKey: string }>(`/api/images/projects/${projectId}/keys`, { name });
export const rotateKey = (projectId: string, keyId: string, graceDays: number) =>
  apiPost<{ key: ImageKey; secretKey: string }>(`/api/images/projects/${projectId}/keys/${keyId}/rotate`, { graceDays });
export const revokeKey = (projectId: string, keyId: string) => apiPost<{ key: ImageKey }>(`/api/images/projects/${projectId}/keys/${keyId}/revoke`);
export const getUsage = (projectId: string) => apiGet<ImageUsage>(`/api/images/projects/${projectId}/usage`);
export const setFileWebUsage = (fileId: string, published: boolean) => apiPut<{ publicId: string | null; source: string | null }>(`/api/images/web-files/${fileId}`, { published });

/** A file marked usable on the web (setFileWebUsage), as the URL builder offers it. */
export interface WebFile {
  fileId: string;
  name: string;
  publicId: string;
  /** The exact `{source}` of an image URL: `vault:…`. */
  source: string;
  publishedAt: string;
}

/** The studio's published files, latest first (at most 500; `truncated` when there are more). */
export const listWebFiles = () => apiGet<{ files: WebFile[]; truncated: boolean }>('/api/images/web-files');
