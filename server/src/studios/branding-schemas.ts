import { Type } from '../http/json-schema.ts';
import { closed, nullable } from '../http/schemas.ts';

/** JSON schemas of a studio's branding (studios/branding.ts), for the photographer's routes and the client's answers. */

const accentField = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7, description: '#rrggbb' });

export const brandingSchema = Type.Object(
  {
    name: Type.String({ description: 'What clients see: the branding name, or the studio’s name — never an email address' }),
    customName: Type.Boolean({ description: 'false: no branding name is set, so the studio’s name is shown' }),
    accentColor: nullable(Type.String()),
    contactEmail: nullable(Type.String()),
    contactPhone: nullable(Type.String()),
    website: nullable(Type.String()),
    signature: nullable(Type.String()),
    logo: nullable(Type.Object({ version: Type.String(), width: Type.Integer(), height: Type.Integer() }, closed)),
    updatedAt: nullable(Type.String()),
  },
  closed,
);

export const updateBrandingBody = Type.Object(
  {
    name: Type.Optional(nullable(Type.String({ maxLength: 100, description: 'null or empty: use the studio’s name' }))),
    accentColor: Type.Optional(nullable(accentField)),
    contactEmail: Type.Optional(nullable(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Literal('')]))),
    contactPhone: Type.Optional(nullable(Type.String({ maxLength: 40 }))),
    website: Type.Optional(nullable(Type.String({ maxLength: 300, description: 'https:// or http:// only' }))),
    signature: Type.Optional(nullable(Type.String({ maxLength: 600, description: 'A few lines under every client email (500 characters once cleaned)' }))),
  },
  { ...closed, minProperties: 1 },
);

/** What a client sees of the studio: on the delivery page (before and after the code) and in emails. */
export const clientBrandingSchema = Type.Object(
  {
    name: Type.String(),
    accentColor: nullable(Type.String()),
    contactEmail: nullable(Type.String()),
    contactPhone: nullable(Type.String()),
    website: nullable(Type.String()),
    signature: nullable(Type.String()),
    logoVersion: nullable(Type.String({ description: 'Set when the studio has a logo: fetch it from /api/d/{token}/logo?v={logoVersion} (getDeliveryLogo)' })),
  },
  closed,
);
