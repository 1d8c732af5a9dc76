import { Type } from '@fastify/type-provider-typebox';
import { closed } from '../http/schemas.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { createAlbum, deleteAlbum, listAlbums, updateAlbum } from './albums.ts';
import type { VaultDeps } from './deps.ts';
import { albumNameField, albumSchema, idParams } from './schemas.ts';

/** Albums: create, list, rename, delete (their files move to "no album"). */

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

  app.delete(
    '/api/vault/albums/:id',
    {
      config: { access: 'signed-in', permission: 'delete' },
      schema: { operationId: 'deleteAlbum', tags, summary: 'Delete an album; its files stay, in no album.', params: idParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await deleteAlbum(deps, requireStudioActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
