import { Type } from '../http/json-schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { clearCookie, setCookie } from '../http/cookies.ts';
import { type RequestOrigin, requestOrigin } from '../http/request-origin.ts';
import { requestPasswordReset, resetPassword } from './account.ts';
import { disownCredentialChange } from './credential-changes.ts';
import type { AuthDeps } from './context.ts';
import { closed } from '../http/schemas.ts';
import { emailField, passwordField, sentSchema, signInCodeField, signInResultSchema, tokenField, userSchema } from './schemas.ts';
import { authCookie, authCookieAttributes, endSession, sessionCookieName, startSession } from './sessions.ts';
import { createFirstAdmin } from './setup.ts';
import { type SignInOutcome, requestSignInCode, signInWithPassword, verifySecondFactor, verifySignInCode } from './sign-in.ts';
import { currentUserView } from './users.ts';

/** Signing in and out, the current user, password reset and first-run setup. */

const tags = ['auth'];

function challengeCookieName(deps: AuthDeps): string {
  return deps.config.secureTransport ? '__Host-sl_2fa' : 'sl_2fa';
}

/** The nonce that binds an emailed sign-in code to the browser that asked for it. */
function codeBrowserCookieName(deps: AuthDeps): string {
  return deps.config.secureTransport ? '__Host-sl_code' : 'sl_code';
}

/** A new session; the one this browser still held (if any) ends, so signing in again leaves no live old token. */
async function startSignedInSession(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, userId: string, origin: RequestOrigin) {
  setCookie(reply, await startSession(deps, userId, origin, { replacesToken: request.cookies[sessionCookieName(deps)] }));
  return { user: await currentUserView(deps, userId) };
}

async function answerSignIn(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome, origin: RequestOrigin) {
  if (outcome.kind === 'second-factor') {
    setCookie(reply, authCookie(deps, challengeCookieName(deps), outcome.challengeToken, 5 * 60));
    return { secondFactorRequired: true as const };
  }
  return startSignedInSession(deps, request, reply, outcome.userId, origin);
}

export async function authRoutes(app: App, { auth }: AppServices): Promise<void> {
  app.get(
    '/api/me',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: { operationId: 'getCurrentUser', tags, summary: 'The signed-in user (401 when signed out).', response: { 200: Type.Object({ user: userSchema }, closed) } },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return { user: await currentUserView(auth, principal.userId, { studioId: principal.studioId, studioRole: principal.studioRole }) };
    },
  );

  app.post(
    '/api/auth/sign-in/code',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'requestSignInCode',
        tags,
        summary: 'Email a 6-digit sign-in code, usable only in this browser (a nonce cookie). The answer is the same whether or not the account exists.',
        body: Type.Object({ email: emailField }, closed),
        response: { 202: sentSchema },
      },
    },
    async (request, reply) => {
      const cookieName = codeBrowserCookieName(auth);
      const { browserNonce } = await requestSignInCode(auth, request.body.email, requestOrigin(request), request.cookies[cookieName]);
      setCookie(reply, authCookie(auth, cookieName, browserNonce, 10 * 60));
      return reply.status(202).send({ status: 'sent' as const });
    },
  );

  app.post(
    '/api/auth/sign-in/verify',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'verifySignInCode',
        tags,
        summary: 'Sign in with the emailed code, in the browser that asked for it; asks for a second factor when the account has one. Ends the session this browser held.',
        body: Type.Object({ email: emailField, code: signInCodeField }, closed),
        response: { 200: signInResultSchema },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request);
      const outcome = await verifySignInCode(auth, request.body.email, request.body.code, origin, request.cookies[codeBrowserCookieName(auth)]);
      clearCookie(reply, codeBrowserCookieName(auth), authCookieAttributes(auth));
      return answerSignIn(auth, request, reply, outcome, origin);
    },
  );

  app.post(
    '/api/auth/sign-in/password',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'signInWithPassword',
        tags,
        summary: 'Sign in with email and password; asks for a second factor when the account has one.',
        body: Type.Object({ email: emailField, password: passwordField }, closed),
        response: { 200: signInResultSchema },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request);
      return answerSignIn(auth, request, reply, await signInWithPassword(auth, request.body.email, request.body.password, origin), origin);
    },
  );

  app.post(
    '/api/auth/sign-in/second-factor',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'verifySecondFactor',
        tags,
        summary: 'Finish signing in with a TOTP code or a recovery code.',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }, closed),
        response: { 200: Type.Object({ user: userSchema }, closed) },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request);
      const cookieName = challengeCookieName(auth);
      const { userId } = await verifySecondFactor(auth, request.cookies[cookieName], request.body.code, origin);
      clearCookie(reply, cookieName, authCookieAttributes(auth));
      return startSignedInSession(auth, request, reply, userId, origin);
    },
  );

  app.post(
    '/api/auth/sign-out',
    {
      config: { access: 'signed-in', allowBeforeTotpEnrollment: true },
      schema: { operationId: 'signOut', tags, summary: 'End this session.', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await endSession(auth, requirePrincipal(request), requestOrigin(request));
      clearCookie(reply, sessionCookieName(auth), authCookieAttributes(auth));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'requestPasswordReset',
        tags,
        summary: 'Email a password reset link (30 minutes, single use). Same answer whether or not the account exists.',
        body: Type.Object({ email: emailField }, closed),
        response: { 202: sentSchema },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(auth, request.body.email, requestOrigin(request));
      return reply.status(202).send({ status: 'sent' as const });
    },
  );

  app.post(
    '/api/auth/password-reset/complete',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'resetPassword',
        tags,
        summary: 'Set a new password with the emailed token; ends every session of the account.',
        body: Type.Object({ token: tokenField, newPassword: passwordField }, closed),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await resetPassword(auth, request.body.token, request.body.newPassword, requestOrigin(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/credential-change/disown',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'disownCredentialChange',
        tags,
        summary: '"This wasn’t me" from a credential-change email: ends every session of the account and undoes the change (single use, 7 days).',
        body: Type.Object({ token: tokenField }, closed),
        response: { 200: Type.Object({ sessionsEnded: Type.Integer() }, closed) },
      },
    },
    async (request) => disownCredentialChange(auth, request.body.token, requestOrigin(request)),
  );

  app.post(
    '/api/setup/first-admin',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'createFirstAdmin',
        tags: ['setup'],
        summary:
          'First run: create the first administrator with the one-time link printed on the console; with `photographer` true the administrator also gets a studio of their own (named `studioName`), for a solo photographer.',
        body: Type.Object(
          {
            token: tokenField,
            email: emailField,
            photographer: Type.Optional(Type.Boolean()),
            studioName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          closed,
        ),
        response: { 201: Type.Object({ user: userSchema }, closed) },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request);
      const { token, email, photographer, studioName } = request.body;
      const { userId } = await createFirstAdmin(auth, token, email, origin, { photographer, studioName });
      return reply.status(201).send(await startSignedInSession(auth, request, reply, userId, origin));
    },
  );
}
