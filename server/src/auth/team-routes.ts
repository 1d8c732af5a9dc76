import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { optionalPrincipal, requirePrincipal, requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { emailField } from './schemas.ts';
import {
  acceptStudioInvitation,
  inviteStudioMember,
  lookUpStudioInvitation,
  leaveStudio,
  listMyStudios,
  listStudioMembers,
  removeStudioMember,
  revokeStudioInvitation,
  switchStudio,
  updateStudioMember,
} from './teams.ts';

/**
 * Studio teams (auth/teams.ts, docs/security/teams.md): the members of the studio the session
 * acts in (owners only: `members`), invitations and their acceptance, the studios of the
 * signed-in person and the switch between them.
 */

const tags = ['teams'];
const members = { access: 'signed-in', permission: 'members' } as const;
const roleField = Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('viewer')]);
const memberSchema = Type.Object(
  {
    userId: Type.String(),
    email: Type.String(),
    role: roleField,
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    lastSignInAt: Type.Union([Type.String(), Type.Null()]),
    you: Type.Boolean(),
  },
  closed,
);
/** An invitation link's token (`#token=…`), sent in a body so it never appears in a URL a server logs. */
const invitationTokenBody = Type.Object({ token: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) }, closed);
const invitationSchema = Type.Object({ id: Type.String(), email: Type.String(), role: roleField, createdAt: Type.String(), expiresAt: Type.String() }, closed);
const myStudioSchema = Type.Object({ id: Type.String(), name: Type.String(), role: roleField, active: Type.Boolean() }, closed);
const myStudiosAnswer = Type.Object({ studios: Type.Array(myStudioSchema) }, closed);
const userParams = Type.Object({ userId: uuidField }, closed);
/** The invitation routes answer whoever holds the link, and also say what it means for the account signed in, if any. */
const invitationLink = { access: 'public', readsSession: true } as const;

export async function teamRoutes(app: App, { auth }: AppServices): Promise<void> {
  app.get(
    '/api/studio/members',
    {
      config: members,
      schema: {
        operationId: 'listStudioMembers',
        tags,
        summary: 'The members of the studio you act in, with their roles, and the invitations still pending (owners).',
        response: { 200: Type.Object({ members: Type.Array(memberSchema), invitations: Type.Array(invitationSchema) }, closed) },
      },
    },
    async (request) => listStudioMembers(auth, requireStudioActor(request)),
  );

  app.post(
    '/api/studio/invitations',
    {
      config: members,
      schema: {
        operationId: 'inviteStudioMember',
        tags,
        summary: 'Invite an address with a role: a one-time link valid for seven days is emailed (a new one replaces a pending one).',
        body: Type.Object({ email: emailField, role: roleField }, closed),
        response: { 201: Type.Object({ invitation: invitationSchema }, closed) },
      },
    },
    async (request, reply) => reply.status(201).send({ invitation: await inviteStudioMember(auth, requireStudioActor(request), request.body) }),
  );

  app.delete(
    '/api/studio/invitations/:id',
    {
      config: members,
      schema: { operationId: 'revokeStudioInvitation', tags, summary: 'Withdraw a pending invitation: its link stops working.', params: Type.Object({ id: uuidField }, closed), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await revokeStudioInvitation(auth, requireStudioActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/invitations/lookup',
    {
      config: invitationLink,
      schema: {
        operationId: 'lookUpStudioInvitation',
        tags,
        summary:
          'What an invitation link offers, before it is accepted: the studio’s name, the role, when the link expires and the invited address masked (the token in the body, never the URL); `session` says whether the account signed in, if any, is the invited one, another, or already a member of the studio (then `studio.id` and its role there). 400 invitation_invalid for a link that cannot be accepted, whatever the reason.',
        body: invitationTokenBody,
        response: {
          200: Type.Object(
            {
              studio: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }, closed),
              role: roleField,
              expiresAt: Type.String(),
              email: Type.String(),
              session: Type.Union([Type.Literal('none'), Type.Literal('invited'), Type.Literal('other'), Type.Literal('member')]),
            },
            closed,
          ),
        },
      },
    },
    async (request) => lookUpStudioInvitation(auth, request.body.token, requestOrigin(request), optionalPrincipal(request)),
  );

  app.post(
    '/api/invitations/accept',
    {
      config: invitationLink,
      schema: {
        operationId: 'acceptStudioInvitation',
        tags,
        summary:
          'Accept an invitation with the token of its link (once): the invited address joins the studio (its account is made when it has none). Signed in as that address, this session acts in the studio from now on (switched); signed in as another, 409 invitation_for_another_address; signed out, sign in with the address next.',
        body: invitationTokenBody,
        response: {
          200: Type.Object(
            { studio: Type.Object({ id: Type.String(), name: Type.String() }, closed), role: roleField, email: Type.String(), accountCreated: Type.Boolean(), switched: Type.Boolean() },
            closed,
          ),
        },
      },
    },
    async (request) => acceptStudioInvitation(auth, request.body.token, requestOrigin(request), optionalPrincipal(request)),
  );

  app.patch(
    '/api/studio/members/:userId',
    {
      config: members,
      schema: {
        operationId: 'updateStudioMember',
        tags,
        summary: 'Change a member’s role (409 last_owner: a studio keeps at least one owner).',
        params: userParams,
        body: Type.Object({ role: roleField }, closed),
        response: { 200: Type.Object({ member: memberSchema }, closed) },
      },
    },
    async (request) => ({ member: await updateStudioMember(auth, requireStudioActor(request), request.params.userId, request.body.role) }),
  );

  app.delete(
    '/api/studio/members/:userId',
    {
      config: members,
      schema: { operationId: 'removeStudioMember', tags, summary: 'Remove a member from the studio (409 last_owner for its last owner).', params: userParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await removeStudioMember(auth, requireStudioActor(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/studio/leave',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: { operationId: 'leaveStudio', tags, summary: 'Leave the studio you act in (any role; 409 last_owner for its last owner).', body: Type.Object({}, closed), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await leaveStudio(auth, requireStudioActor(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me/studios',
    {
      config: { access: 'signed-in' },
      schema: { operationId: 'listMyStudios', tags, summary: 'Every studio you belong to, your role in each, and which one this session acts in.', response: { 200: myStudiosAnswer } },
    },
    async (request) => ({ studios: await listMyStudios(auth, requirePrincipal(request)) }),
  );

  app.put(
    '/api/me/studio',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'switchStudio',
        tags,
        summary: 'The studio switcher: this session acts in the given studio (one you belong to) from now on.',
        body: Type.Object({ studioId: uuidField }, closed),
        response: { 200: myStudiosAnswer },
      },
    },
    async (request) => ({ studios: await switchStudio(auth, requirePrincipal(request), request.body.studioId, requestOrigin(request)) }),
  );
}
