import type { FastifyRequest } from 'fastify';
import type { StudioRole, UserRole } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { App } from './app-type.ts';
import { type StudioPermission, assertRoleAllows, studioPermissions } from './permissions.ts';
import { type RequestOrigin, requestOrigin } from './request-origin.ts';

/**
 * Authorization at the door. Every route declares `config.access` — `public`, `signed-in`,
 * `admin` or `lab` — and route-rules.ts refuses to register a route that does not, so a route
 * cannot forget its guard. This hook resolves the caller's session (through the resolvers the
 * auth and labs capabilities provide) and refuses before any body is read: 401 without a valid
 * session, 403 for the wrong role, and 403 `totp_enrollment_required` for an admin who has not
 * enrolled TOTP yet, except on the few routes that let them do so. The two kinds of session
 * never stand in for each other: a `lab` route resolves only a lab session (a print lab's,
 * docs/labs.md), every `signed-in` or `admin` route only a user's. A studio-scoped route also
 * declares `config.permission` (permissions.ts): the caller's role in the studio they act in
 * must grant it, checked here too, and `requireStudioActor` fails closed on a route that
 * declared none. Per-object checks (this file, that studio, that lab's order) stay in each
 * capability's service.
 */

export type AccessLevel = 'public' | 'signed-in' | 'admin' | 'lab';

export interface Principal {
  userId: string;
  sessionId: string;
  /** When the session's owner last proved it is them (sign-in or re-authentication), epoch ms. */
  authenticatedAt: number;
  email: string;
  role: UserRole;
  /** The studio this session acts in (the studio switcher; by default the oldest studio the person owns, else the oldest they joined). */
  studioId: string | null;
  /** The person's role in that studio. */
  studioRole: StudioRole | null;
  totpEnabled: boolean;
}

/** A print lab signed in with its lab ID and PIN: the lab's id, and the session (for signing out). */
export interface LabPrincipal {
  labId: string;
  sessionId: string;
}

/** The studio a request acts in, and who asks (for the audit log): what studio-scoped services take. */
export interface StudioActor {
  studioId: string;
  userId: string;
  /** The caller's role in the studio: what `requireStudioPermission` checks. */
  role: StudioRole;
  ip: string;
  userAgent: string;
}

function requireStudio(principal: Principal): { studioId: string; role: StudioRole } {
  if (!principal.studioId || !principal.studioRole) throw new AppError('studio_required', 'The vault belongs to a studio, and this account has none.', 403);
  return { studioId: principal.studioId, role: principal.studioRole };
}

/** The vault, deliveries and what is built on them belong to studios: an admin account has none. */
export function studioActor(principal: Principal, origin: RequestOrigin): StudioActor {
  const { studioId, role } = requireStudio(principal);
  return { studioId, role, userId: principal.userId, ...origin };
}

/** For a service that needs more than its route's permission for one input: 403 `studio_role_forbidden` unless the actor's role grants it. */
export function requireStudioPermission(actor: Pick<StudioActor, 'role'>, permission: StudioPermission): void {
  assertRoleAllows(actor.role, permission);
}

export interface RouteAccess {
  access: AccessLevel;
  /** Reachable by an admin who still has to enroll TOTP (me, sign-out, TOTP enrollment). */
  allowBeforeTotpEnrollment?: boolean;
  /** On a studio-scoped `signed-in` route: what the caller's studio role must grant. */
  permission?: StudioPermission;
  /**
   * On a `public` route whose answer depends on who asks when someone is signed in (an
   * invitation link opened in a signed-in browser): the session is looked up, and
   * `request.principal` is its owner or null — never a refusal.
   */
  readsSession?: boolean;
}

export interface SessionResolvers {
  user(request: FastifyRequest): Promise<Principal | null>;
  lab(request: FastifyRequest): Promise<LabPrincipal | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    lab: LabPrincipal | null;
  }
  interface FastifyContextConfig {
    access?: AccessLevel;
    allowBeforeTotpEnrollment?: boolean;
    permission?: StudioPermission;
    readsSession?: boolean;
  }
}

export const accessLevels: readonly AccessLevel[] = ['public', 'signed-in', 'admin', 'lab'];

/** The built web app's files (@fastify/static, hidden from the API document): public and read-only. */
export function isStaticWebFile(route: { method: string | string[]; schema?: unknown }): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return (route.schema as { hide?: boolean } | undefined)?.hide === true && methods.every((method) => method === 'GET' || method === 'HEAD');
}

export function mustEnrollTotp(principal: Pick<Principal, 'role' | 'totpEnabled'>): boolean {
  return principal.role === 'admin' && !principal.totpEnabled;
}

/**
 * The signed-in caller, for handlers behind `signed-in` or `admin` routes. Fails closed on a
 * `public` route: one that reads the session (`readsSession`) has not run the signed-in checks
 * (two-factor enrolment, the route's permission), so it may only look, with `optionalPrincipal`.
 */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.routeOptions.config.access === 'public') {
    throw new Error(`Route ${request.routeOptions.url ?? '?'} is public: it reads the session with optionalPrincipal, never requires one.`);
  }
  if (!request.principal) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
  return request.principal;
}

/**
 * The studio actor of a `signed-in` route's caller. Fails closed when the route declared no
 * `config.permission`: a studio-scoped route must say what it needs (the hook has checked it).
 */
export function requireStudioActor(request: FastifyRequest): StudioActor {
  const permission = request.routeOptions.config.permission;
  if (!permission || !(studioPermissions as readonly string[]).includes(permission)) {
    throw new Error(`Route ${request.routeOptions.url ?? '?'} takes a studio actor but declares no config.permission.`);
  }
  const actor = studioActor(requirePrincipal(request), requestOrigin(request));
  requireStudioPermission(actor, permission);
  return actor;
}

/** Who is signed in on a `public` route that declared `readsSession`, or null. */
export function optionalPrincipal(request: FastifyRequest): Principal | null {
  return request.principal;
}

/** The signed-in lab, for handlers behind `lab` routes. */
export function requireLab(request: FastifyRequest): LabPrincipal {
  if (!request.lab) throw new AppError('lab_sign_in_required', 'Sign in with your lab ID and PIN to continue.', 401);
  return request.lab;
}

export function registerAccessControl(app: App, resolvers: SessionResolvers): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('lab', null);
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    if (isStaticWebFile(request.routeOptions)) return;
    const config = request.routeOptions.config;
    const access = config.access;
    // No public handler reads the principal: looking the session up would only cost a query
    // (and a write) on the busiest routes, such as signed downloads — unless it asks to.
    if (access === 'public') {
      if (config.readsSession === true) request.principal = await resolvers.user(request);
      return;
    }
    if (access === undefined) throw new AppError('forbidden', 'This route is not available.', 403);
    if (access === 'lab') {
      request.lab = await resolvers.lab(request);
      requireLab(request);
      return;
    }
    const principal = await resolvers.user(request);
    if (!principal) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
    request.principal = principal;
    if (access === 'admin' && principal.role !== 'admin') throw new AppError('forbidden', 'This needs an administrator.', 403);
    if (mustEnrollTotp(principal) && !config.allowBeforeTotpEnrollment) {
      throw new AppError('totp_enrollment_required', 'Administrators must set up two-factor authentication first.', 403);
    }
    if (config.permission !== undefined) assertRoleAllows(requireStudio(principal).role, config.permission);
  });
}
