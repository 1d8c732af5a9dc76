import { expect } from 'vitest';
import type { TestClient } from './client.ts';

/** Image-service calls for tests: projects, keys, publishing files, as the web app makes them. */

export interface ProjectView {
  id: string;
  slug: string;
  referers: string[];
  sources: string[];
  imgproxy: { enabled: boolean; signatureSize: number };
  [field: string]: unknown;
}

export interface KeyView {
  id: string;
  publicKey: string;
  status: string;
  [field: string]: unknown;
}

let slugCounter = 0;

export function uniqueSlug(label = 'site'): string {
  slugCounter += 1;
  return `${label}-${process.pid}-${slugCounter}`;
}

export async function createProject(client: TestClient, body: Record<string, unknown> = {}): Promise<{ project: ProjectView; imgproxyCredentials?: { key: string; salt: string } }> {
  const answer = await client.json<{ project: ProjectView; imgproxyCredentials?: { key: string; salt: string } }>('POST', '/api/images/projects', { name: 'Website', slug: uniqueSlug(), ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

export async function createKey(client: TestClient, projectId: string, body: Record<string, unknown> = {}): Promise<{ key: KeyView; secretKey: string }> {
  const answer = await client.json<{ key: KeyView; secretKey: string }>('POST', `/api/images/projects/${projectId}/keys`, { name: 'Production', ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

export async function publish(client: TestClient, fileId: string): Promise<{ publicId: string; source: string }> {
  const answer = await client.json<{ publicId: string; source: string }>('PUT', `/api/images/web-files/${fileId}`, { published: true });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}
