import type { RouteOptions } from 'fastify';
import { accessLevels, isStaticWebFile } from './access.ts';
import { studioPermissions } from './permissions.ts';
import type { App } from './app-type.ts';

/**
 * Rules every route must follow, checked when the route is registered so that a route that
 * breaks them stops the server from starting (and fails every test) instead of shipping:
 * a declared access level (http/access.ts), a schema, an `operationId` for the OpenAPI
 * document, and `additionalProperties: false` on
 * every object it accepts, so unknown fields are rejected rather than ignored. Only the
 * static web files (hidden from the API document) are exempt.
 */

type JsonSchema = {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
  items?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

const combinators = ['anyOf', 'oneOf', 'allOf'] as const;

function findOpenObject(schema: JsonSchema | undefined, where: string): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  // A union (TypeBox's Union, Intersect) is as closed as its most open branch.
  for (const combinator of combinators) {
    for (const [index, branch] of (schema[combinator] ?? []).entries()) {
      const found = findOpenObject(branch, `${where}.${combinator}[${index}]`);
      if (found) return found;
    }
  }
  if (schema.type === 'object' || schema.properties) {
    if (schema.additionalProperties !== false) return where;
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const found = findOpenObject(property, `${where}.${name}`);
      if (found) return found;
    }
  }
  if (schema.items && typeof schema.items === 'object') return findOpenObject(schema.items as JsonSchema, `${where}[]`);
  return undefined;
}

export function routeRuleViolation(route: RouteOptions): string | undefined {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean; operationId?: string }) | undefined;
  if (isStaticWebFile(route)) return undefined;
  if (!schema) return 'has no schema';
  const access = (route.config as { access?: string } | undefined)?.access;
  if (!access || !(accessLevels as readonly string[]).includes(access)) return "declares no config.access ('public', 'signed-in', 'admin' or 'lab')";
  const permission = (route.config as { permission?: string } | undefined)?.permission;
  if (permission !== undefined) {
    if (!(studioPermissions as readonly string[]).includes(permission)) return `declares an unknown config.permission '${permission}'`;
    if (access !== 'signed-in') return "declares config.permission on a route that is not 'signed-in'";
  }
  // Every other level resolves the session anyway, and must refuse without one.
  if ((route.config as { readsSession?: boolean } | undefined)?.readsSession === true && access !== 'public') return "declares config.readsSession on a route that is not 'public'";
  if (typeof schema.operationId !== 'string' || schema.operationId.length === 0) return 'has no operationId';
  for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
    if (part === 'headers') continue; // headers always carry extra fields (user agent, cookies, …)
    const open = findOpenObject(schema[part] as JsonSchema | undefined, part);
    if (open) return `accepts unknown fields in ${open} (set additionalProperties: false)`;
  }
  return undefined;
}

export interface CatalogedRoute {
  method: string;
  url: string;
  access: string;
  operationId: string;
  /** The studio permission a `signed-in` route needs (http/permissions.ts), when it is studio-scoped. */
  permission?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with its access level: what the authorization tests walk. */
    routeCatalog: CatalogedRoute[];
  }
}

export function enforceRouteRules(app: App): void {
  const operationIds = new Set<string>();
  const catalog: CatalogedRoute[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    const violation = routeRuleViolation(route);
    if (violation) throw new Error(`Route ${String(route.method)} ${route.url} ${violation}.`);
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    if (operationId && route.method !== 'HEAD') {
      if (operationIds.has(operationId)) throw new Error(`operationId ${operationId} is used twice.`);
      operationIds.add(operationId);
      const access = (route.config as { access?: string } | undefined)?.access ?? '';
      const permission = (route.config as { permission?: string } | undefined)?.permission;
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        catalog.push({ method, url: route.url, access, operationId, ...(permission ? { permission } : {}) });
      }
    }
  });
}
