import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { setCookie } from '../http/cookies.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { confirmTotpEnrollment, disableTotp, regenerateRecoveryCodes, setPassword, startTotpEnrollment } from './account.ts';
import { reauthenticate, requestReauthenticationCode } from './reauthentication.ts';
import { closed } from '../http/schemas.ts';
import { idParams, passwordField, reauthenticationMethodField, sentSchema } from './schemas.ts';
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from './sessions.ts';

/** A signed-in person's own sessions, password and two-factor settings, and re-authentication before changing them. */

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
        summary: 'Set or change your password (after re-authentication; the current one is required when you have one). Ends your other sessions.',
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
        summary: 'Start two-factor enrollment (after re-authentication): a new secret as a QR code and a manual key.',
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

  app.post(
    '/api/account/reauthenticate/code',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: {
        operationId: 'requestReauthenticationCode',
        tags,
        summary: 'Email a 6-digit code that confirms it is you, usable only in this session (accounts without TOTP).',
        response: { 202: sentSchema },
      },
    },
    async (request, reply) => {
      await requestReauthenticationCode(auth, requirePrincipal(request), requestOrigin(request));
      return reply.status(202).send({ status: 'sent' as const });
    },
  );

  app.post(
    '/api/account/reauthenticate',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: {
        operationId: 'reauthenticate',
        tags,
        summary: 'Confirm it is you (an emailed code or your password; your TOTP or a recovery code when TOTP is on) before changing your password or second factor: valid 10 minutes.',
        body: Type.Object({ method: reauthenticationMethodField, secret: Type.String({ minLength: 1, maxLength: 1024 }) }, closed),
        response: { 200: Type.Object({ reauthenticatedUntil: Type.String() }, closed) },
      },
    },
    async (request) => reauthenticate(auth, requirePrincipal(request), request.body, requestOrigin(request)),
  );

  app.delete(
    '/api/account/totp',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'disableTotp',
        tags,
        summary: 'Turn two-factor authentication off, with its recovery codes (after re-authentication; not for administrators).',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await disableTotp(auth, requirePrincipal(request), requestOrigin(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/account/totp/recovery-codes',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'regenerateRecoveryCodes',
        tags,
        summary: 'Replace your recovery codes with 10 new ones, shown once (after re-authentication).',
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }, closed) },
      },
    },
    async (request) => ({ recoveryCodes: await regenerateRecoveryCodes(auth, requirePrincipal(request), requestOrigin(request)) }),
  );
}
