import { Type } from '../http/json-schema.ts';
import { studioPermissions } from '../http/permissions.ts';
import { closed } from '../http/schemas.ts';

/** JSON schemas of the auth API: one definition feeds validation, typed handlers and OpenAPI. */

export const emailField = Type.String({ minLength: 3, maxLength: 254, description: 'Email address' });
export const signInCodeField = Type.String({ minLength: 1, maxLength: 12, description: 'The 6-digit code from the email' });
export const passwordField = Type.String({ minLength: 1, maxLength: 1024 });
export const tokenField = Type.String({ minLength: 1, maxLength: 100 });
export const roleField = Type.Union([Type.Literal('admin'), Type.Literal('photographer')]);
export const reauthenticationMethodField = Type.Union([Type.Literal('email_code'), Type.Literal('password'), Type.Literal('totp')]);
export const idParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);

export const userSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: roleField,
    studioId: Type.Union([Type.String(), Type.Null()]),
    studioRole: Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('viewer'), Type.Null()]),
    studioPermissions: Type.Array(Type.Enum(studioPermissions), {
      description: 'What the member may do in that studio (the server’s role table, http/permissions.ts); empty without a studio. The web app hides what is not here; the server still checks every request.',
    }),
    studioCount: Type.Integer(),
    emailVerified: Type.Boolean(),
    hasPassword: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    mustEnrollTotp: Type.Boolean(),
    reauthenticationMethods: Type.Array(reauthenticationMethodField),
    previousSignInAt: Type.Union([Type.String(), Type.Null()], {
      description: 'When the sign-in before the newest one began; null on the account’s first sign-in (the web app says “Welcome” rather than “Welcome back”).',
    }),
  },
  closed,
);

export const signInResultSchema = Type.Union([
  Type.Object({ user: userSchema }, closed),
  Type.Object({ secondFactorRequired: Type.Literal(true) }, closed),
]);

export const sentSchema = Type.Object({ status: Type.Literal('sent') }, closed);

export const adminUserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: roleField,
    status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')]),
    emailVerified: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    createdAt: Type.String(),
    lastSignInAt: Type.Union([Type.String(), Type.Null()]),
    activeSessions: Type.Integer(),
    deliveriesSuspended: Type.Boolean({ description: 'A disabled photographer’s deliveries and signed links are suspended until the account is enabled again.' }),
  },
  closed,
);
