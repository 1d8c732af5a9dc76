import { Type } from '@fastify/type-provider-typebox';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { setCookie } from '../http/cookies.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { confirmTotpEnrollment, setPassword, startTotpEnrollment } from './account.ts';
import { closed } from '../http/schemas.ts';
import { idParams, passwordField } from './schemas.ts';
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from './sessions.ts';

/** A signed-in person's own sessions, password and two-factor settings. */

const tags = ['account'];

const sessionSchema = Type.Object(
  { id: Type.String(), device: Type.String(), place: Type.String(), createdAt: Type.String(), lastSeenAt: Type.String(), current: Type.Boolean() },
  closed,
);

export async function accountRoutes(app: App, { auth }: AppServices): Promise<void> {
  app.get(
    '/api/account/sessions',
    {
      config: { access: 'signed-in' },
      schema: { operationId: 'listSessions', tags, summary: 'Your active sessions.', response: { 200: Type.Object({ sessions: Type.Array(sessionSchema) }, closed) } },
    },
    async (request) => ({ sessions: await listOwnSessions(auth, requirePrincipal(request)) }),
  );

  app.delete(
    '/api/account/sessions/:id',
    {
      config: { access: 'signed-in' },
      schema: { operationId: 'revokeSession', tags, summary: 'End one of your sessions.', params: idParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await revokeOwnSession(auth, requirePrincipal(request), request.params.id, requestOrigin(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/sessions/revoke-others',
    {
      config: { access: 'signed-in' },
      schema: { operationId: 'revokeOtherSessions', tags, summary: 'End every session but this one.', response: { 200: Type.Object({ revoked: Type.Integer() }, closed) } },
    },
    async (request) => ({ revoked: await revokeOtherSessions(auth, requirePrincipal(request), requestOrigin(request)) }),
  );

  app.put(
    '/api/account/password',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'setPassword',
        tags,
        summary: 'Set or change your password (the current one is required when you have one). Ends your other sessions.',
        body: Type.Object({ currentPassword: Type.Optional(passwordField), newPassword: passwordField }, closed),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      setCookie(reply, await setPassword(auth, requirePrincipal(request), request.body, requestOrigin(request)));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/totp/enrollment',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: {
        operationId: 'startTotpEnrollment',
        tags,
        summary: 'Start two-factor enrollment: a new secret as a QR code and a manual key.',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrCodeDataUrl: Type.String() }, closed) },
      },
    },
    async (request) => startTotpEnrollment(auth, requirePrincipal(request)),
  );

  app.post(
    '/api/account/totp/enrollment/confirm',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: {
        operationId: 'confirmTotpEnrollment',
        tags,
        summary: 'Confirm enrollment with a first code; returns 10 single-use recovery codes, shown once. Ends your other sessions.',
        body: Type.Object({ code: Type.String({ minLength: 6, maxLength: 12 }) }, closed),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }, closed) },
      },
    },
    async (request, reply) => {
      const { recoveryCodes, sessionCookie } = await confirmTotpEnrollment(auth, requirePrincipal(request), request.body.code, requestOrigin(request));
      setCookie(reply, sessionCookie);
      return { recoveryCodes };
    },
  );
}
