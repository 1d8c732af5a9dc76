import { Type } from '../http/json-schema.ts';
import { closed } from '../http/schemas.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { createAlbum, deleteAlbum, listAlbums, updateAlbum } from './albums.ts';
import type { VaultDeps } from './deps.ts';
import { addAlbumFiles, removeAlbumFiles } from './files.ts';
import { albumNameField, albumSchema, fileIdsField, idParams } from './schemas.ts';

/** Albums: create, list, rename, delete (their files stay), and add files to one or take them out. */

const tags = ['vault'];
const albumAnswer = Type.Object({ album: albumSchema }, closed);


export function albumRoutes(app: App, deps: VaultDeps): void {
  app.post(
    '/api/vault/albums',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: { operationId: 'createAlbum', tags, summary: 'Create an album.', body: Type.Object({ name: albumNameField }, closed), response: { 201: albumAnswer } },
    },
    async (request, reply) => reply.status(201).send({ album: await createAlbum(deps, requireStudioActor(request), request.body.name) }),
  );

  app.get(
    '/api/vault/albums',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: { operationId: 'listAlbums', tags, summary: 'Every album of the studio, by name.', response: { 200: Type.Object({ albums: Type.Array(albumSchema) }, closed) } },
    },
    async (request) => ({ albums: await listAlbums(deps, requireStudioActor(request)) }),
  );

  app.patch(
    '/api/vault/albums/:id',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: { operationId: 'updateAlbum', tags, summary: 'Rename an album.', params: idParams, body: Type.Object({ name: albumNameField }, closed), response: { 200: albumAnswer } },
    },
    async (request) => ({ album: await updateAlbum(deps, requireStudioActor(request), request.params.id, request.body.name) }),
  );

  app.post(
    '/api/vault/albums/:id/files',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: {
        operationId: 'addAlbumFiles',
        tags,
        summary: 'Add files to an album; they stay in their other albums. All or nothing; files already in it are not counted.',
        params: idParams,
        body: Type.Object({ fileIds: fileIdsField }, closed),
        response: { 200: Type.Object({ album: albumSchema, added: Type.Integer() }, closed) },
      },
    },
    async (request) => addAlbumFiles(deps, requireStudioActor(request), request.params.id, request.body.fileIds),
  );

  app.post(
    '/api/vault/albums/:id/files/remove',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: {
        operationId: 'removeAlbumFiles',
        tags,
        summary: 'Take files out of an album; they stay in the library and in their other albums. All or nothing; files not in it are not counted.',
        params: idParams,
        body: Type.Object({ fileIds: fileIdsField }, closed),
        response: { 200: Type.Object({ album: albumSchema, removed: Type.Integer() }, closed) },
      },
    },
    async (request) => removeAlbumFiles(deps, requireStudioActor(request), request.params.id, request.body.fileIds),
  );

  app.delete(
    '/api/vault/albums/:id',
    {
      config: { access: 'signed-in', permission: 'delete' },
      schema: { operationId: 'deleteAlbum', tags, summary: 'Delete an album; its files stay, in their other albums or in none.', params: idParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await deleteAlbum(deps, requireStudioActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
