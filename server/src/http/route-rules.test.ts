import { Type } from './json-schema.ts';
import type { RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { routeRuleViolation } from './route-rules.ts';
import { closed } from './schemas.ts';

/** The registration-time rules, on routes built to break them. */

function route(body: unknown): RouteOptions {
  return { method: 'POST', url: '/api/probe', handler: async () => ({}), config: { access: 'public' }, schema: { operationId: 'probe', body } } as RouteOptions;
}

describe('route rules', () => {
  it('accepts closed objects, inside unions and intersections too', () => {
    expect(routeRuleViolation(route(Type.Object({ name: Type.String() }, closed)))).toBeUndefined();
    expect(routeRuleViolation(route(Type.Union([Type.Object({ a: Type.String() }, closed), Type.Object({ b: Type.String() }, closed)])))).toBeUndefined();
  });

  it('finds an open object however deep it sits in anyOf, oneOf or allOf', () => {
    const open = Type.Object({ name: Type.String() });
    expect(routeRuleViolation(route(Type.Union([Type.Object({ a: Type.String() }, closed), open])))).toMatch(/body\.anyOf\[1\]/);
    expect(routeRuleViolation(route({ oneOf: [{ type: 'object', properties: {}, additionalProperties: false }, { type: 'object' }] }))).toMatch(/body\.oneOf\[1\]/);
    expect(routeRuleViolation(route({ allOf: [{ type: 'object', properties: { x: { type: 'string' } } }] }))).toMatch(/body\.allOf\[0\]/);
    expect(routeRuleViolation(route(Type.Object({ inner: Type.Union([Type.Null(), open]) }, closed)))).toMatch(/body\.inner\.anyOf\[1\]/);
    expect(routeRuleViolation(route(Type.Array(Type.Union([open]))))).toMatch(/body\[\]\.anyOf\[0\]/);
  });

  it('lets only a public route ask for the session it may go without', () => {
    const closedBody = Type.Object({}, closed);
    const withAccess = (config: Record<string, unknown>) => ({ ...route(closedBody), config }) as RouteOptions;
    expect(routeRuleViolation(withAccess({ access: 'public', readsSession: true }))).toBeUndefined();
    expect(routeRuleViolation(withAccess({ access: 'signed-in', readsSession: true }))).toMatch(/readsSession/);
  });
});
