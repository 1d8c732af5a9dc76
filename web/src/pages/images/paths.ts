/** The image service's addresses: the projects, and one project. */

export type ImagesRoute = { kind: 'list' } | { kind: 'project'; projectId: string };

export const IMAGES_PATH = '/images';

export function parseImagesPath(pathname: string): ImagesRoute | null {
  if (pathname === IMAGES_PATH) return { kind: 'list' };
  const match = /^\/images\/([0-9a-f-]{36})$/.exec(pathname);
  return match?.[1] === undefined ? null : { kind: 'project', projectId: match[1] };
}

export function projectPath(projectId: string): string {
  return `${IMAGES_PATH}/${projectId}`;
}
