import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { createUser, listUsersForAdmin, resetSecondFactorByAdmin, revokeSessionsByAdmin, updateUserByAdmin } from '../auth/users.ts';
import { adminUserSchema, emailField, idParams, roleField } from '../auth/schemas.ts';
import { closed } from '../http/schemas.ts';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { type DeletionDeps, deleteAccountByAdmin } from './deletion.ts';
import { userListFilter } from './console.ts';
import { deletionBodySchema, userQuerySchema } from './schemas.ts';

/** User administration: list, create (with invitation), change role, disable, end sessions, reset a second factor. */

const tags = ['admin'];

export async function adminRoutes(app: App, { auth }: AppServices, deletion: DeletionDeps): Promise<void> {
  const actor = (request: FastifyRequest) => ({ userId: requirePrincipal(request).userId, ...requestOrigin(request) });

  app.get(
    '/api/admin/users',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'Every account, by email; narrowed by role, status, part of the address and last sign-in.',
        querystring: userQuerySchema,
        response: { 200: Type.Object({ users: Type.Array(adminUserSchema) }, closed) },
      },
    },
    async (request) => ({ users: await listUsersForAdmin(auth, userListFilter(request.query)) }),
  );

  app.post(
    '/api/admin/users',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create an account and email an invitation; a photographer gets their own studio, named `studioName` (what their clients see; default "Photography studio").',
        body: Type.Object({ email: emailField, role: roleField, studioName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, closed),
        response: { 201: Type.Object({ user: adminUserSchema }, closed) },
      },
    },
    async (request, reply) => {
      const { userId, ...origin } = actor(request);
      const user = await createUser(auth, request.body, { actorUserId: userId, ...origin });
      return reply.status(201).send({ user });
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'updateUser',
        tags,
        summary: 'Change an account’s role or disable it; either ends its sessions.',
        params: idParams,
        body: Type.Object({ role: Type.Optional(roleField), disabled: Type.Optional(Type.Boolean()) }, { ...closed, minProperties: 1 }),
        response: { 200: Type.Object({ user: adminUserSchema }, closed) },
      },
    },
    async (request) => ({ user: await updateUserByAdmin(auth, actor(request), request.params.id, request.body) }),
  );

  app.post(
    '/api/admin/users/:id/disable',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'disableUser',
        tags,
        summary: 'Disable an account: its sessions end and it cannot sign in (updateUser with `disabled: false` enables it again).',
        params: idParams,
        response: { 200: Type.Object({ user: adminUserSchema }, closed) },
      },
    },
    async (request) => ({ user: await updateUserByAdmin(auth, actor(request), request.params.id, { disabled: true }) }),
  );

  app.delete(
    '/api/admin/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'deleteUser',
        tags,
        summary: 'Delete an account for good (type its email and a current TOTP code); a studio it owned alone is crypto-erased.',
        params: idParams,
        body: deletionBodySchema,
        response: { 200: Type.Object({ erasedStudioId: Type.Union([Type.String(), Type.Null()]) }, closed) },
      },
    },
    async (request) => ({ erasedStudioId: await deleteAccountByAdmin(deletion, actor(request), request.params.id, request.body) }),
  );

  app.post(
    '/api/admin/users/:id/sessions/revoke',
    {
      config: { access: 'admin' },
      schema: { operationId: 'revokeUserSessions', tags, summary: 'End every session of an account.', params: idParams, response: { 200: Type.Object({ revoked: Type.Integer() }, closed) } },
    },
    async (request) => ({ revoked: await revokeSessionsByAdmin(auth, actor(request), request.params.id) }),
  );

  app.post(
    '/api/admin/users/:id/second-factor/reset',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'resetUserSecondFactor',
        tags,
        summary: 'Turn off an account’s two-factor authentication and recovery codes and end its sessions; the owner is emailed and signs in with an emailed code.',
        params: idParams,
        response: { 200: Type.Object({ user: adminUserSchema }, closed) },
      },
    },
    async (request) => ({ user: await resetSecondFactorByAdmin(auth, actor(request), request.params.id) }),
  );
}
